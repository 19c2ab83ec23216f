// Anonymous feedback (templates/screens/feedback.html): a face from 1 to 5 and
// words if the person wants, sent to POST /api/v1/feedback without any token,
// so that nothing ties it to a wallet, a session or this terminal.
import { apiRequest } from '/static/kit/request.js';
import { t } from '/static/kit/strings.js';
import { register } from '../nav.js';
import { busy, byId, errorMessage, setError } from '../ui.js';

const form = byId('feedback-form');

register('feedback', () => {
  form.reset();
  form.hidden = false;
  byId('feedback-thanks').hidden = true;
  setError('feedback-error', '');
});

/** Send an opinion: no token, no cookie; only the mark, the words and the page's language. */
export async function sendFeedback(rating, text) {
  await apiRequest('POST', '/api/v1/feedback', {
    client: 'kiosk',
    json: { rating, text, language: document.documentElement.lang },
  });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const chosen = form.querySelector('input[name="rating"]:checked');
  if (!chosen) {
    setError('feedback-error', t('Choose a face first.'));
    form.querySelector('input[name="rating"]').focus();
    return;
  }
  setError('feedback-error', '');
  try {
    await busy(byId('feedback-submit'), () =>
      sendFeedback(Number(chosen.value), byId('feedback-text').value.trim()),
    );
  } catch (error) {
    const tooMany = error?.code === 'rate_limited';
    setError('feedback-error', tooMany ? t('Many opinions were sent from here just now. Please try again later.') : errorMessage(error));
    return;
  }
  form.reset();
  form.hidden = true;
  byId('feedback-thanks').hidden = false;
  byId('feedback-thanks').querySelector('button').focus();
});
