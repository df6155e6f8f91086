import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DAY,
  HOUR,
  MINUTE,
  clampWindow,
  follow,
  layoutRanges,
  msAt,
  panBy,
  parisDayBounds,
  parisDayOf,
  rangeAt,
  shiftDay,
  timelineTicks,
  xOf,
  zoomKeyOf,
  zoomTo,
} from './timeline.ts';

const day = parisDayBounds('2026-11-23');

describe('playback timeline', () => {
  it('turns a Paris day into its UTC window, 23 and 25 hours on the days the clocks change', () => {
    assert.equal(new Date(day.from).toISOString(), '2026-11-22T23:00:00.000Z');
    assert.equal(day.to - day.from, DAY);
    const spring = parisDayBounds('2026-03-29');
    assert.equal(spring.to - spring.from, 23 * HOUR);
    const autumn = parisDayBounds('2026-10-25');
    assert.equal(autumn.to - autumn.from, 25 * HOUR);
    assert.equal(shiftDay('2026-12-31', 1), '2027-01-01');
    assert.equal(shiftDay('2026-03-01', -1), '2026-02-28');
    assert.equal(parisDayOf(Date.parse('2026-11-23T23:30:00Z')), '2026-11-24');
  });

  it('maps instants to pixels and back', () => {
    assert.equal(xOf(day, 1440, day.from + 6 * HOUR), 360);
    assert.equal(msAt(day, 1440, 720), day.from + 12 * HOUR);
    assert.equal(xOf({ from: 5, to: 5 }, 100, 10), 0);
  });

  it('zooms around an anchor that stays in place, within the day', () => {
    const anchor = day.from + 12 * HOUR;
    const zoomed = zoomTo(day, HOUR, anchor, day);
    assert.equal(zoomed.to - zoomed.from, HOUR);
    assert.equal(xOf(zoomed, 1000, anchor), 500);
    const atStart = zoomTo(day, HOUR, day.from + 10 * MINUTE, day);
    assert.equal(atStart.from, day.from + 10 * MINUTE - (10 / 1440) * HOUR);
    const clamped = zoomTo(zoomTo(day, 10 * MINUTE, day.to, day), 10 * MINUTE, day.to, day);
    assert.equal(clamped.to, day.to);
    assert.equal(zoomTo(day, 10, anchor, day).to - zoomTo(day, 10, anchor, day).from, MINUTE, 'no narrower than a minute');
    assert.deepEqual(zoomTo(zoomed, 2 * DAY, anchor, day), day, 'no wider than the day');
  });

  it('pans without leaving the day and names the zoom level', () => {
    const hour = zoomTo(day, HOUR, day.from, day);
    assert.deepEqual(panBy(hour, -HOUR, day), { from: day.from, to: day.from + HOUR });
    assert.deepEqual(panBy(hour, 30 * HOUR, day), { from: day.to - HOUR, to: day.to });
    assert.equal(zoomKeyOf(hour), '1h');
    assert.equal(zoomKeyOf(day), '24h');
    assert.equal(zoomKeyOf({ from: 0, to: 2 * HOUR }), null);
    assert.deepEqual(clampWindow({ from: day.from - 5, to: day.to + 5 }, day), day);
  });

  it('follows the playhead once it leaves the window', () => {
    const view = { from: day.from + HOUR, to: day.from + 2 * HOUR };
    assert.equal(follow(view, day.from + 90 * MINUTE, day), view);
    const moved = follow(view, day.from + 2 * HOUR + MINUTE, day);
    assert.equal(moved.from, day.from + 2 * HOUR + MINUTE - 6 * MINUTE);
    const back = follow(view, day.from + HOUR - MINUTE, day, false);
    assert.equal(back.to, day.from + HOUR - MINUTE + 6 * MINUTE);
  });

  it('puts ticks on Paris hours, even on the day the clocks go back', () => {
    const ticks = timelineTicks(day, 1200);
    assert.deepEqual(ticks.map((tick) => tick.label).slice(0, 3), ['00:00', '02:00', '04:00']);
    assert.ok(ticks.every((tick) => tick.major));
    const autumn = parisDayBounds('2026-10-25');
    const labels = timelineTicks(autumn, 1200).map((tick) => tick.label);
    assert.deepEqual(labels.slice(0, 4), ['00:00', '02:00', '02:00', '04:00'], 'the repeated 02:00 hour is shown twice');
    const tenMinutes = { from: day.from + 8 * HOUR + 3 * MINUTE, to: day.from + 8 * HOUR + 13 * MINUTE };
    const fine = timelineTicks(tenMinutes, 1000);
    assert.deepEqual(
      fine.map((tick) => tick.label),
      ['08:03', '08:04', '08:05', '08:06', '08:07', '08:08', '08:09', '08:10', '08:11', '08:12', '08:13'],
    );
    assert.deepEqual(timelineTicks(day, 0), []);
  });

  it('lays ranges out clipped to the window, with a minimum width', () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const ranges = [
      { from: iso(day.from - HOUR), to: iso(day.from + HOUR) },
      { from: iso(day.from + 6 * HOUR), to: iso(day.from + 6 * HOUR + 1000) },
      { from: iso(day.to + HOUR), to: iso(day.to + 2 * HOUR) },
    ];
    const spans = layoutRanges(ranges, day, 1440, 2);
    assert.equal(spans.length, 2);
    assert.deepEqual([spans[0]!.x, spans[0]!.width], [0, 60]);
    assert.equal(spans[1]!.x, 360);
    assert.equal(spans[1]!.width, 2);
    assert.equal(rangeAt(ranges, day.from), ranges[0]);
    assert.equal(rangeAt(ranges, day.from + 2 * HOUR), undefined);
  });
});
