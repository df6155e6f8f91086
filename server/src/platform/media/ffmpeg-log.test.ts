import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStartupNotice } from './ffmpeg-log.ts';

describe('ffmpeg stderr lines', () => {
  it('drops the start-up notices of a stream copy, keeps the real warnings', () => {
    assert.equal(
      isStartupNotice(
        '[segment @ 0x55fe] Timestamps are unset in a packet for stream 0. This is deprecated and will stop working in the future. Fix your code to set the timestamps properly',
      ),
      true,
    );
    assert.equal(
      isStartupNotice(
        '[mpegts @ 0x55fe] Non-monotonous DTS in output stream 1:0; previous: 0, current: 0; changing to 1. This may result in incorrect timestamps in the output file.',
      ),
      true,
    );
    assert.equal(isStartupNotice('[rtsp @ 0x55c5] Stream #0: not enough frames to estimate rate; consider increasing probesize'), true);
    assert.equal(isStartupNotice('[rtsp @ 0x55c5] method DESCRIBE failed: 401 Unauthorized'), false);
    assert.equal(isStartupNotice('[tcp @ 0x55c5] Connection to tcp://127.0.1.3:8554?timeout=0 failed: Connection refused'), false);
    assert.equal(isStartupNotice('[mp4 @ 0x55] Non-monotonous DTS in output stream 0:0; previous: 900, current: 450; changing to 901.'), true);
  });
});
