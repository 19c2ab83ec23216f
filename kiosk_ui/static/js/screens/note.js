// "My story": a text the person never wants to tell again, kept as a
// text/plain document of category "story", encrypted like any other.
import { t } from '/static/kit/strings.js';
import { go, register } from '../nav.js';
import { busy, byId, errorMessage, notify, setError } from '../ui.js';
import { addDocument } from '../wallet.js';

const title = byId('note-title-input');
const text = byId('note-text');

byId('note-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!title.value.trim() || !text.value.trim()) {
    setError('note-error', t('Write a title and a text.'));
    return;
  }
  setError('note-error', '');
  const file = new File([text.value], 'story.txt', { type: 'text/plain' });
  const metadata = {
    title: title.value.trim(),
    type: 'story',
    file_name: 'story.txt',
    media_type: 'text/plain; charset=utf-8',
  };
  try {
    const noProgress = () => {};
    await busy(byId('note-submit'), () =>
      addDocument(file, metadata, Number(document.body.dataset.partBytes), {
        onProgress: noProgress,
        onRetry: noProgress,
      }),
    );
    event.target.reset();
    await go('documents');
    notify(t('Document saved: {title}', { title: metadata.title }));
  } catch (error) {
    setError('note-error', errorMessage(error));
  }
});

register('note', () => {
  byId('note-form').reset();
  title.value = t('My story');
  setError('note-error', '');
});
