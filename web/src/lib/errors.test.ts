import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, errorMessage, importLineErrors, isSessionLost, networkError, parseErrorBody } from './errors.ts';

const wrongPassword = {
  code: 'invalid_credentials',
  message: 'Identifiant ou mot de passe incorrect.',
  message_fr: 'Identifiant ou mot de passe incorrect.',
  message_en: 'Wrong login or password.',
};

describe('error messages', () => {
  it('shows the API message in the chosen language', () => {
    const error = new ApiError(401, wrongPassword);
    assert.equal(errorMessage(error, 'fr'), 'Identifiant ou mot de passe incorrect.');
    assert.equal(errorMessage(error, 'en'), 'Wrong login or password.');
  });

  it('falls back to the other language, then to a sentence with the status, never a bare code', () => {
    assert.equal(errorMessage(new ApiError(400, { code: 'x', message_fr: 'Seulement en français.' }), 'en'), 'Seulement en français.');
    const bare = errorMessage(new ApiError(502, { code: 'bad_gateway' }), 'fr');
    assert.equal(bare, 'Erreur inattendue (502).');
    assert.equal(errorMessage(new ApiError(502, null), 'en'), 'Unexpected error (502).');
    assert.equal(errorMessage(new TypeError('boom'), 'en'), 'Unexpected error (?).');
    assert.match(errorMessage(networkError(), 'fr'), /serveur ne répond pas/);
  });

  it('gives the end of a lockout in Paris time', () => {
    const locked = new ApiError(423, {
      code: 'account_locked',
      message_fr: 'Compte verrouillé jusqu’à 2026-11-23T10:15:00.000Z après trop d’échecs.',
      message_en: 'Account locked until 2026-11-23T10:15:00.000Z.',
      details: { lockedUntil: '2026-11-23T10:15:00.000Z' },
    });
    assert.match(errorMessage(locked, 'fr'), /jusqu’au 23\/11\/2026 11:15 \(heure de Paris\)/);
    assert.match(errorMessage(locked, 'en'), /until 23\/11\/2026, 11:15 \(Paris time\)/);
    const summer = new ApiError(423, { code: 'account_locked', message_fr: 'x', message_en: 'x', details: { lockedUntil: '2026-07-01T10:15:00.000Z' } });
    assert.match(errorMessage(summer, 'fr'), /12:15/);
  });

  it('recognises a lost session, and only that', () => {
    assert.equal(isSessionLost(new ApiError(401, { code: 'session_expired', message_fr: 'a', message_en: 'b' })), true);
    assert.equal(isSessionLost(new ApiError(401, { code: 'unauthenticated', message_fr: 'a', message_en: 'b' })), true);
    assert.equal(isSessionLost(new ApiError(401, wrongPassword)), false);
    assert.equal(isSessionLost(new ApiError(403, { code: 'forbidden' })), false);
  });

  it('parses error bodies and the line errors of a refused import', () => {
    assert.equal(parseErrorBody('<html>Bad gateway</html>'), null);
    assert.equal(parseErrorBody('{"nope":1}'), null);
    const body = parseErrorBody(
      JSON.stringify({
        code: 'import_failed',
        message_fr: 'Import refusé',
        message_en: 'Import refused',
        details: {
          errors: [
            { line: 3, column: 'ip_address', code: 'invalid_value', message_fr: 'Colonne ip_address', message_en: 'Column ip_address' },
            { bogus: true },
          ],
        },
      }),
    );
    const errors = importLineErrors(new ApiError(400, body));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.line, 3);
    assert.deepEqual(importLineErrors(new ApiError(400, wrongPassword)), []);
  });
});
