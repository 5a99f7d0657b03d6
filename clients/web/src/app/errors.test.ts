import i18n from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { errorMessage } from './api';
import { missingFields } from './forms';

const apiError = (error: object) => ({ status: 422, data: { error } });

describe('errorMessage', () => {
  it('turns field errors into sentences with the names people see', () => {
    const error = apiError({
      code: 'validation_failed',
      message: 'invalid input',
      fields: [
        { field: 'ends_at', message: 'must be after starts_at' },
        { field: 'venue.name', message: 'must not be empty' },
      ],
    });
    expect(errorMessage(error)).toBe('End must be after the start. Venue name must not be empty.');
  });

  it('says a broken link is a broken link', () => {
    const error = {
      status: 400,
      data: { error: { code: 'invalid_path', message: 'Invalid URL: UUID parsing failed' } },
    };
    expect(errorMessage(error)).toBe('This page does not exist. The link may be broken or incomplete.');
  });

  it('lets the code pick the sentence', () => {
    expect(errorMessage(apiError({ code: 'slot_taken', message: 'slot taken' }))).toBe(
      'One of you already has a meeting at that time. Pick another time.',
    );
    expect(errorMessage(apiError({ code: 'email_not_verified', message: 'confirm your address first' }))).toBe(
      'Confirm your address first: open the link we mailed you, or ask for a new one.',
    );
  });

  it('keeps the server sentence for a code it does not know, and names a lost connection', () => {
    expect(errorMessage(apiError({ code: 'something_new', message: 'Pick another time.' }))).toBe('Pick another time.');
    expect(errorMessage({ status: 'FETCH_ERROR', error: 'TypeError' })).toBe(
      'The server cannot be reached. Check your connection.',
    );
  });
});

describe('missingFields', () => {
  it('names what is missing before anything is sent', () => {
    expect(missingFields('signin', { name: '', email: '', password: '' })).toBe(
      'Enter your e-mail address and your password.',
    );
    expect(missingFields('signup', { name: ' ', email: 'a@b.c', password: '' })).toBe(
      'Enter your name and your password.',
    );
    expect(missingFields('signup', { name: 'Ada', email: '', password: 'x' })).toBe('Enter your e-mail address.');
    expect(missingFields('signin', { name: '', email: 'a@b.c', password: 'secret' })).toBeNull();
  });
});

describe('in Russian', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('says what the code and the fields mean, and keeps an unknown code’s server sentence', async () => {
    await i18n.changeLanguage('ru');
    expect(
      errorMessage(
        apiError({
          code: 'validation_failed',
          message: 'invalid fields: title, ends_at',
          fields: [
            { field: 'title', message: 'must be at most 200 characters' },
            { field: 'ends_at', message: 'must be after starts_at' },
          ],
        }),
      ),
    ).toBe('Поле «Название» должно содержать не больше 200 символов. Поле «Окончание» должно быть позже начала.');
    expect(
      errorMessage(apiError({ code: 'email_taken', message: 'An account with this e-mail address already exists.' })),
    ).toBe('Аккаунт с этим адресом почты уже есть. Войдите или укажите другой адрес.');
    expect(errorMessage(apiError({ code: 'email_not_verified', message: 'confirm your address first' }))).toBe(
      'Сначала подтвердите адрес: откройте ссылку из нашего письма или запросите новую.',
    );
    expect(errorMessage(apiError({ code: 'something_new', message: 'Server words.' }))).toBe('Server words.');
    expect(errorMessage({ status: 'FETCH_ERROR', error: 'TypeError' })).toBe(
      'Сервер недоступен. Проверьте подключение к интернету.',
    );
    expect(missingFields('signup', { name: '', email: '', password: '' })).toBe('Введите имя, адрес почты и пароль.');
  });

  it('explains the account’s own errors: a wrong second factor, a used link, the same address', async () => {
    await i18n.changeLanguage('ru');
    expect(errorMessage({ status: 401, data: { error: { code: 'ticket_expired', message: 'x' } } })).toBe(
      'Вход занял слишком много времени. Введите адрес почты и пароль ещё раз.',
    );
    expect(errorMessage({ status: 400, data: { error: { code: 'link_used', message: 'x' } } })).toBe(
      'Эта ссылка уже использована: каждая ссылка действует один раз.',
    );
    expect(
      errorMessage(
        apiError({
          code: 'validation_failed',
          message: 'x',
          fields: [{ field: 'new_email', message: 'is already your address' }],
        }),
      ),
    ).toBe('Поле «Новый адрес почты» совпадает с вашим текущим адресом.');
  });
});
