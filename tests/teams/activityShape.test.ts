import { activityShapeProblem } from '../../src/teams/activityShape';

/** What the server refuses with a 400 before the Bot Framework adapter reads an activity. */
describe('the shape of an incoming activity', () => {
  const base = { type: 'message', text: 'hello', serviceUrl: 'http://127.0.0.1:56150', conversation: { id: 'a:1' }, from: { id: '29:x', aadObjectId: 'aad-x' }, recipient: { id: '28:bot' } };

  it('when a message or an invoke says who it is from, then its shape is accepted', () => {
    expect(activityShapeProblem(base)).toBeNull();
    expect(activityShapeProblem({ ...base, type: 'invoke', name: 'adaptiveCard/action' })).toBeNull();
  });

  it('when a message or an invoke has no "from", then it is refused with the reason, as an invoke was', () => {
    const { from: _from, ...noFrom } = base;
    const noOne = 'A message must say who it is "from" (a non-empty "from.id").';
    expect(activityShapeProblem(noFrom)).toBe(noOne);
    expect(activityShapeProblem({ ...base, from: null })).toBe(noOne);
    expect(activityShapeProblem({ ...base, from: { id: '' } })).toBe(noOne);
    expect(activityShapeProblem({ ...base, from: { aadObjectId: 'aad-x' } })).toBe(noOne);
    expect(activityShapeProblem({ ...noFrom, type: 'invoke' })).toBe('An invoke must say who it is "from" (a non-empty "from.id").');
    expect(activityShapeProblem({ ...base, from: 'x' })).toBe('"from" must be an object.');
  });

  it('when a message or an invoke names no recipient, then it is refused with the reason (an outside walk-through, 30 Nov, got "Sorry, something went wrong")', () => {
    const { recipient: _recipient, ...noRecipient } = base;
    expect(activityShapeProblem(noRecipient)).toBe('A message must name its "recipient" (a non-empty "recipient.id").');
    expect(activityShapeProblem({ ...base, type: 'invoke', recipient: { id: '' } })).toBe('An invoke must name its "recipient" (a non-empty "recipient.id").');
  });

  it('when a list holds something that is not an object, or a member has no id, then it is refused with the reason', () => {
    expect(activityShapeProblem({ ...base, entities: [{ type: 'mention' }, null, 5] })).toBe('Each of "entities" must be an object.');
    expect(activityShapeProblem({ ...base, attachments: ['x'] })).toBe('Each of "attachments" must be an object.');
    expect(activityShapeProblem({ ...base, type: 'conversationUpdate', membersAdded: [null, { id: 5 }] })).toBe('Each of "membersAdded" must be an object.');
    expect(activityShapeProblem({ ...base, type: 'conversationUpdate', membersRemoved: [{ id: 5 }] })).toBe('Each of "membersRemoved" must have a string "id".');
    expect(activityShapeProblem({ ...base, type: 'conversationUpdate', membersAdded: [{ id: '29:x' }] })).toBeNull();
  });

  it('when a conversation event comes with no "from", then its shape is not refused for that', () => {
    const { from: _from, ...noFrom } = base;
    expect(activityShapeProblem({ ...noFrom, type: 'conversationUpdate' })).toBeNull();
  });
});
