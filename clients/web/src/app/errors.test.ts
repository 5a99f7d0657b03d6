import { describe, expect, it } from 'vitest';
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

  it('keeps the server sentence otherwise, and names a lost connection', () => {
    expect(errorMessage(apiError({ code: 'slot_taken', message: 'Pick another time.' }))).toBe('Pick another time.');
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
