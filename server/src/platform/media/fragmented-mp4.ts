// Crash recovery of fragmented MP4 segments. ffmpeg writes each fragment (moof + mdat, cut on
// a keyframe) in one go after an `ftyp` and an empty `moov`, so a file cut short by a crash
// holds whole fragments followed by at most one partial one. Keeping the file up to the end of
// its last complete mdat gives a valid, playable file that lost about one GOP (1-2 s).
import { open } from 'node:fs/promises';

export interface TopLevelBox {
  type: string;
  start: number;
  /** Bytes the header declares; 0 = "up to the end of the file" (never a finished fragment). */
  size: number;
}

/**
 * Reads the top-level box headers of a file (a few bytes per box, never the media). Stops at a
 * header that is cut short; a box whose declared size runs past the end is listed as is.
 */
export async function readTopLevelBoxes(path: string, maxBoxes = 100_000): Promise<{ boxes: TopLevelBox[]; fileSize: number }> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const boxes: TopLevelBox[] = [];
    const header = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= fileSize && boxes.length < maxBoxes) {
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      if (bytesRead < 8) break;
      let size = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (size === 1) {
        if (bytesRead < 16) break;
        size = Number(header.readBigUInt64BE(8));
      }
      boxes.push({ type, start: offset, size });
      if (size < 8) break; // 0 (to end of file) or corrupt: nothing can follow
      offset += size;
    }
    return { boxes, fileSize };
  } finally {
    await handle.close();
  }
}

export interface FragmentScan {
  /** Bytes to keep: the end of the last complete moof + mdat pair (0 if the header is incomplete). */
  keepBytes: number;
  completeFragments: number;
  /** The file already ends cleanly (nothing to cut). */
  intact: boolean;
}

/** Where a possibly truncated fragmented MP4 must be cut to hold only complete fragments. */
export function scanFragments(boxes: readonly TopLevelBox[], fileSize: number): FragmentScan {
  const fits = (box: TopLevelBox) => box.size >= 8 && box.start + box.size <= fileSize;
  let headerEnd = 0;
  let keepBytes = 0;
  let completeFragments = 0;
  let sawMoov = false;
  for (let index = 0; index < boxes.length; index++) {
    const box = boxes[index]!;
    if (!fits(box)) break;
    if (box.type === 'ftyp' || box.type === 'moov') {
      if (box.type === 'moov') sawMoov = true;
      headerEnd = box.start + box.size;
      if (completeFragments === 0) keepBytes = sawMoov ? headerEnd : 0;
      continue;
    }
    if (box.type === 'moof') {
      const mdat = boxes[index + 1];
      if (mdat?.type !== 'mdat' || !fits(mdat)) break;
      completeFragments += 1;
      keepBytes = mdat.start + mdat.size;
      index += 1;
      continue;
    }
    // Trailer boxes (mfra), or anything else whole: keep it only if it closes the file.
    if (box.start + box.size === fileSize && completeFragments > 0) keepBytes = fileSize;
  }
  if (!sawMoov) keepBytes = 0;
  return { keepBytes, completeFragments, intact: keepBytes === fileSize && completeFragments > 0 };
}
