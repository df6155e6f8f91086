// Saves the frame a <video> shows as a lossless PNG: the decoded picture at its own size,
// untouched, with a caption band added below it (camera, commune, Paris time), then offered as
// a download. The caption and file name come from still.ts.
import { captionLayout } from './still.ts';

export async function saveStillPng(video: HTMLVideoElement, caption: string, fileName: string): Promise<void> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) throw new Error('no picture');
  const layout = captionLayout(width);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height + layout.bandHeight;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas');
  context.drawImage(video, 0, 0, width, height);
  context.fillStyle = '#000000';
  context.fillRect(0, height, width, layout.bandHeight);
  context.fillStyle = '#ffffff';
  context.font = `${layout.fontPx}px 'DejaVu Sans', system-ui, sans-serif`;
  context.textBaseline = 'middle';
  context.fillText(caption, layout.paddingX, height + layout.bandHeight / 2, width - 2 * layout.paddingX);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('no PNG');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
