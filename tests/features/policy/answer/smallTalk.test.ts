import { smallTalkOf, smallTalkReply } from '../../../../src/features/policy/answer/smallTalk';

describe('messages that are not questions', () => {
  test('when someone says hello, thanks or ok, or reacts with an emoji, then it is read as that, whatever the case and punctuation', () => {
    expect(['hi', 'Hello!', 'hey there', 'Good morning', 'hiya 👋'].map(smallTalkOf)).toEqual(Array(5).fill('greeting'));
    expect(['thanks', 'Thank you!!', 'cheers', 'ok thanks 👍'].map(smallTalkOf)).toEqual(Array(4).fill('thanks'));
    expect(['ok', 'Got it.', 'great', 'yes'].map(smallTalkOf)).toEqual(Array(4).fill('noted'));
    expect(['👍', '🙂🙂', '?', '...', '❤️'].map(smallTalkOf)).toEqual(Array(5).fill('noWords'));
  });

  test('when a message says anything more, then it is a question, even when it starts with a greeting or is short', () => {
    for (const text of [
      'hi, can I friend parents on facebook?', 'hello a child told me something', 'thanks but what about twitter', 'ok so can I post photos',
      'instagram?', 'can I?', 'bruises', 'WhatsApp', 'hi '.repeat(20), 'help', 'a boy in 9C told me his stepdad hits him 😢',
    ]) expect(smallTalkOf(text)).toBeUndefined();
  });

  test('when the reply is made, then it says how to ask', () => {
    expect(smallTalkReply('greeting')).toContain("Ask me anything about your school's social media policy in your own words");
    expect(smallTalkReply('noWords')).toContain('type **help**');
  });

  test('when a message is longer than a short reply, then it is not read as small talk at all (the patterns only ever see 40 characters)', () => {
    for (const text of ['👍'.repeat(50_000), ' '.repeat(100_000), 'hi'.repeat(50_000), 'thanks '.repeat(10)]) expect(smallTalkOf(text)).toBeUndefined();
  });
});
