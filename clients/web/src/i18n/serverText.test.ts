import i18n from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { providerErrorSentence, reasonText } from './serverText';

describe('reasons from the server', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('are said in Russian, with the right plural, and unknown wording stays as written', async () => {
    await i18n.changeLanguage('ru');
    expect(reasonText('You both follow rust, design')).toBe('Вы оба следите за темами: rust, design');
    expect(reasonText('You were both at 3 earlier events')).toBe('Вы уже были вместе на 3 событиях');
    expect(reasonText('5 people you met are going')).toBe('Идут 5 человек, с которыми вы знакомы');
    expect(reasonText('On a weekday evening, when you usually go')).toBe(
      'Вечером в будний день — когда вы обычно ходите',
    );
    expect(reasonText('2.5 km from you')).toBe('2,5 км от вас');
    expect(reasonText('A brand new reason')).toBe('A brand new reason');
  });

  it('read in English as the server wrote them', () => {
    for (const reason of ['Only 1 seat left', 'You have met 2 people in common', 'New, be among the first']) {
      expect(reasonText(reason)).toBe(reason);
    }
  });
});

describe('why a sign-in through an identity provider did not work', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('is said for each code the server sends back, with the way out for the case at hand', async () => {
    expect(providerErrorSentence('unverified_email', 'signin')).toMatch(/^The identity provider did not vouch/);
    expect(providerErrorSentence('unverified_email', 'signin')).toMatch(/link the provider/);
    expect(providerErrorSentence('unverified_email', 'link')).toMatch(/so it was not linked\.$/);
    expect(providerErrorSentence('something_new', 'signin')).toBe(
      'Signing in through the identity provider did not work. Try again.',
    );
    await i18n.changeLanguage('ru');
    expect(providerErrorSentence('identity_taken', 'link')).toMatch(/^Этот аккаунт сервиса уже привязан/);
  });
});
