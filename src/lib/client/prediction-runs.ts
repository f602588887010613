// Tells the Segments page when the brand's scheduled prediction run finished (ok, refused or
// failed), and when the socket reconnects (a run may have finished while it was away), so the
// page reloads its data then.
import type { PredictionRunNotice } from '$lib/shared/predictions';
import type { LiveConnection } from './live-connection';

/** Starts listening (browser only); returns the function that stops. */
export function onPredictionRun(
  connection: LiveConnection,
  changed: (notice: PredictionRunNotice | null) => void,
): () => void {
  const socket = connection.acquire();
  let connectedBefore = socket.connected;
  const onRun = (notice: PredictionRunNotice) => changed(notice);
  const onConnect = () => {
    if (connectedBefore) changed(null);
    connectedBefore = true;
  };
  socket.on('predictions', onRun);
  socket.on('connect', onConnect);
  return () => {
    socket.off('predictions', onRun);
    socket.off('connect', onConnect);
    connection.release();
  };
}
