// Secret phrases: a rough strength estimate for the meter, generated words
// made of syllables that read the same in every language of the kiosk, and the
// check of a new phrase that every screen choosing one makes: at least 12
// characters and not "Too weak" on the meter.
import { t } from '/static/kit/strings.js';

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';
export const MIN_PASSPHRASE_LENGTH = 12;

function randomIndex(n) {
  const limit = Math.floor(0x100000000 / n) * n;
  const value = new Uint32Array(1);
  do crypto.getRandomValues(value);
  while (value[0] >= limit);
  return value[0] % n;
}

/** Four random words of three syllables (about 72 bits), e.g. "tarelu bimoka …". */
export function generateWords(count = 4) {
  const words = [];
  for (let w = 0; w < count; w += 1) {
    let word = '';
    for (let s = 0; s < 3; s += 1) word += CONSONANTS[randomIndex(14)] + VOWELS[randomIndex(5)];
    words.push(word);
  }
  return words.join(' ');
}

/**
 * 0 (empty) to 4 (strong): estimated bits from length and kinds of characters,
 * with repeated characters counting little.
 */
export function strength(passphrase) {
  if (!passphrase) return 0;
  const characters = [...passphrase];
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(passphrase)) pool += 33;
  const distinct = new Set(characters).size;
  const bits = Math.min(characters.length, distinct * 2) * Math.log2(Math.max(pool, 2));
  if (characters.length < MIN_PASSPHRASE_LENGTH || bits < 40) return 1;
  if (bits < 60) return 2;
  if (bits < 80) return 3;
  return 4;
}

export const STRENGTH_LABELS = ['', 'Too weak', 'Fair', 'Good', 'Strong'];

/**
 * Why a new secret phrase is refused: 'short' (under 12 characters), 'weak' ("Too
 * weak" on the meter: under about 40 bits, the bar of docs/threat-model.md), or ''.
 * The command line refuses the same (pde/client_login.py passphrase_refusal).
 */
export function passphraseRefusal(passphrase) {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) return 'short';
  return strength(passphrase) < 2 ? 'weak' : '';
}

/** The message for a refused new secret phrase ('short' or 'weak'); `madeWords` names the
 * screen's button that makes words, or the message shows words made for the example. */
export function refusalMessage(refusal, madeWords = '') {
  if (refusal === 'short') return t('The secret phrase is too short: at least 12 letters.');
  return madeWords
    ? t('This secret phrase is too easy to guess. Use four words or more, or press “{button}”.', { button: madeWords })
    : t('This secret phrase is too easy to guess. Use four words or more, for example: {words}', { words: generateWords() });
}

/** What is wrong with a new secret phrase and its repetition: [input, message], or null. */
export function newPassphraseProblem(input, again) {
  const refusal = passphraseRefusal(input.value);
  if (refusal) return [input, refusalMessage(refusal)];
  if (input.value !== again.value) return [again, t('The two secret phrases are not the same.')];
  return null;
}
