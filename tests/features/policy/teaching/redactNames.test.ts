import { redactNames } from '../../../../src/features/policy/teaching/redactNames';

describe('names and identifiers taken out of the questions an owner reads (issue 48)', () => {
  it.each([
    ['can Jayden in 4B share the fb post?', 'can [name] in 4B share the fb post?'],
    ['my tutee Kacper Nowak showed me his insta', 'my tutee [name] showed me his insta'],
    ['liam and chloe from year 9 added me on snap', '[name] and [name] from year 9 added me on snap'],
    ['can i accept a friend request from sophie\'s mum', 'can i accept a friend request from [name]\'s mum'],
    ['is it ok if Mohammed Al-Sayed\'s dad follows me', 'is it ok if [name]\'s dad follows me'],
    ['Ruby-Mae said hi on teams at 8pm', '[name] said hi on teams at 8pm'],
    ['mrs patel asked if she can add me', 'mrs [name] asked if she can add me'],
    ['Can Mr Brown post on tiktok?', 'Can Mr [name] post on tiktok?'],
    ['a parent emailed me from j.smith@example.org and rang 07700 900123', 'a parent emailed me from [email] and rang [phone]'],
    ['@jaydenx99 keeps tagging me', '[handle] keeps tagging me'],
    ['pupil number 123456789 is on the photo list', 'pupil number [number] is on the photo list'],
    ['can I retweet Priyanka Hollingsworth\'s post about the bake sale', 'can I retweet [name]\'s post about the bake sale'],
    ['Oluwaseun in 6B sent me a message on Teams', '[name] in 6B sent me a message on Teams'],
    ['Tobenna and Chidi from 10R added me on Snapchat', '[name] and [name] from 10R added me on Snapchat'],
    ['Ms Okonkwo\'s husband commented on my post', 'Ms [name]\'s husband commented on my post'],
  ])('when an owner reads "%s", then they read "%s"', (asked, shown) => {
    expect(redactNames(asked)).toBe(shown);
  });

  it.each([
    'Can I post about the school fair on my own Facebook?',
    'Is a PSHE lesson ok to film for the school account?',
    'What does the policy say about WhatsApp groups with parents?',
    'can i use my own phone for the year 6 trip photos',
    'Can I post about the Summer Fair on Instagram on Monday?',
    'I work at St Mary\'s Primary in Leeds, can I say so on LinkedIn?',
    'Is it ok to post Eid and Diwali greetings on the school TikTok?',
  ])('when a question names nobody ("%s"), then it reads as asked', (asked) => {
    expect(redactNames(asked)).toBe(asked);
  });
});
