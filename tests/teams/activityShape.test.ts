import { activityShapeProblem } from '../../src/teams/activityShape';

/** What the server refuses with a 400 before the Bot Framework adapter reads an activity. */
describe('the shape of an incoming activity', () => {
  const base = { type: 'message', text: 'hello', serviceUrl: 'http://127.0.0.1:56150', conversation: { id: 'a:1' }, from: { id: '29:x', aadObjectId: 'aad-x' } };

  it('when a message or an invoke says who it is from, then its shape is accepted', () => {
    expect(activityShapeProblem(base)).toBeNull();
    expect(activityShapeProblem({ ...base, type: 'invoke', name: 'adaptiveCard/action' })).toBeNull();
  });

  it('when a message or an invoke has no "from", then it is refused with the reason, as an invoke was', () => {
    const { from: _from, ...noFrom } = base;
    expect(activityShapeProblem(noFrom)).toBe('A message must say who it is "from".');
    expect(activityShapeProblem({ ...base, from: null })).toBe('A message must say who it is "from".');
    expect(activityShapeProblem({ ...noFrom, type: 'invoke' })).toBe('An invoke must say who it is "from".');
    expect(activityShapeProblem({ ...base, from: 'x' })).toBe('"from" must be an object.');
  });

  it('when a conversation event comes with no "from", then its shape is not refused for that', () => {
    const { from: _from, ...noFrom } = base;
    expect(activityShapeProblem({ ...noFrom, type: 'conversationUpdate' })).toBeNull();
  });
});
