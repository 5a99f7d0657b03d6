import i18n from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { codeSentence, lookReasonText, providerErrorSentence, reasonText } from './serverText';

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

describe('the rollout loop’s reasons on the operator’s page', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('read as sentences, with the numbers in the language’s own way', async () => {
    expect(lookReasonText('not significant yet: z = 1.85, needs ±2.81', 'recommender')).toBe(
      'Not significant yet: z = 1.85, needs ±2.81.',
    );
    expect(lookReasonText('better: z = 5.40 ≥ 2.81, lift +33.3%', 'recommender')).toBe(
      'Better: z = 5.40 ≥ 2.81, lift +33.3%.',
    );
    expect(lookReasonText('worse: z = -3.02 ≤ -2.81, lift -25.0%', 'recommender')).toBe(
      'Worse: z = -3.02 ≤ −2.81, lift -25%.',
    );
    expect(lookReasonText('412 exposures in the smaller arm; a decision needs 1000', 'recommender')).toBe(
      'Impressions in the smaller arm: 412; a decision needs 1,000.',
    );
    await i18n.changeLanguage('ru');
    expect(lookReasonText("guardrail: the canary's opens per impression are worse (z = -2.10)", 'recommender')).toBe(
      'Ограничитель: события канарейки открывают реже на один показ (z = -2,10).',
    );
    expect(lookReasonText('between planned looks (look 3 of 20)', 'recommender')).toBe(
      'Между плановыми проверками (проверка 3 из 20).',
    );
  });

  it('say the reason an operator or the clock cut short, and leave unknown wording as written', async () => {
    expect(lookReasonText('forced by an operator (not significant yet: z = 0.40, needs ±2.81)', 'recommender')).toBe(
      'Decided by an operator. Not significant yet: z = 0.40, needs ±2.81.',
    );
    expect(
      lookReasonText(
        'not shown better within 72 hours: no significant gain after 50000 exposures per arm (z = 0.31): the current version stays',
        'recommender',
      ),
    ).toBe(
      'Not shown better within 72 hours. No significant gain after 50,000 impressions per arm (z = 0.31): the current version stays.',
    );
    expect(lookReasonText('a reason from a newer server', 'recommender')).toBe('a reason from a newer server');
    await i18n.changeLanguage('ru');
    expect(
      lookReasonText('not shown better within 72 hours: between planned looks (look 20 of 20)', 'recommender'),
    ).toBe('За 72 часа не показала себя лучше. Между плановыми проверками (проверка 20 из 20).');
  });

  it('name what a weight set’s guardrail counts: suggested people asked to meet or written to', async () => {
    const guardrail = "guardrail: the canary's opens per impression are worse (z = -2.10)";
    expect(lookReasonText(guardrail, 'matcher')).toBe(
      'Guardrail: the people the canary suggests are asked to meet or written to less often per impression (z = -2.10).',
    );
    expect(lookReasonText(`forced by an operator (${guardrail})`, 'matcher')).toBe(
      'Decided by an operator. Guardrail: the people the canary suggests are asked to meet or written to less often per impression (z = -2.10).',
    );
    await i18n.changeLanguage('ru');
    expect(lookReasonText(guardrail, 'matcher')).toBe(
      'Ограничитель: людям из подборки канарейки реже предлагают встречу или пишут на один показ (z = -2,10).',
    );
  });

  it('include the sentence for an experiment that ended before the operator’s decision', () => {
    expect(codeSentence('no_experiment')).toBe('No experiment is running any more.');
  });
});
