import { configureStore } from '@reduxjs/toolkit';
import i18n from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { Provider } from 'react-redux';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { api, waitsForMail } from '../app/api';
import authReducer, { signedOut } from '../app/authSlice';
import type { Session } from '../app/types';
import { CheckYourMail } from './CheckYourMail';

/** The screen as the server renders it to HTML, in a store and a router of its own. */
function render(email: string): string {
  const store = configureStore({
    reducer: { [api.reducerPath]: api.reducer, auth: authReducer },
    preloadedState: { auth: signedOut },
    middleware: (getDefault) => getDefault().concat(api.middleware),
  });
  return renderToStaticMarkup(
    <Provider store={store}>
      <MemoryRouter initialEntries={['/signup']}>
        <CheckYourMail email={email} />
      </MemoryRouter>
    </Provider>,
  );
}

/** The text of `html`, tags and entities aside. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

describe('"Check your mail" after a sign-up that confirms the address first', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('names the address, offers the link again and the way back to sign in', () => {
    const html = render('noor@example.com');
    expect(text(html)).toContain('Check your mail');
    expect(text(html)).toContain('We sent a mail to noor@example.com. Open the link in it to finish signing up.');
    expect(html).toMatch(/<button type="button"[^>]*>Send the link again<\/button>/);
    expect(html).toContain('href="/signin"');
    expect(text(html)).toContain('Back to sign in');
  });

  it('says it in Russian', async () => {
    await i18n.changeLanguage('ru');
    const html = text(render('darya@example.com'));
    expect(html).toContain('Проверьте почту');
    expect(html).toContain('Мы отправили письмо на адрес darya@example.com.');
    expect(html).toContain('Отправить ссылку ещё раз');
  });

  it('comes only for a sign-up whose answer waits for the mail', () => {
    expect(waitsForMail({ email: 'noor@example.com', verification_required: true })).toBe(true);
    const session = { access_token: 'a', token_type: 'Bearer', expires_in: 900, refresh_token: '' } as Session;
    expect(waitsForMail(session)).toBe(false);
  });
});
