// The extraction report's pieces that are not plain text: instants written in Paris time and UTC,
// durations in French words, and the timeline of one range drawn as a bar (recorded pictures in
// green, gaps in red, the rest of the requested range grey) with ticks in Paris time.
import type { PdfDocument } from '../../platform/pdf/document.ts';
import type { EvidenceJournalItem } from './exports.journal.ts';

const parisFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const clockFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const clockSecondsFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const millis = (ms: number) => (ms % 1000 === 0 ? '' : `,${String(ms % 1000).padStart(3, '0')}`);

/** "07/12/2026 15:00:00" (Europe/Paris), with the milliseconds when there are some. */
export function parisText(iso: string): string {
  const ms = Date.parse(iso);
  return `${parisFormat.format(new Date(ms))}${millis(ms)}`;
}

/** "2026-12-07 14:00:00 UTC". */
export function utcText(iso: string): string {
  const ms = Date.parse(iso);
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}${millis(ms)} UTC`;
}

export function durationText(seconds: number): string {
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = seconds - hours * 3600 - minutes * 60;
  const secondsText = `${Number.isInteger(rest) ? rest : rest.toFixed(2).replace('.', ',')} s`;
  if (hours) return `${hours} h ${String(minutes).padStart(2, '0')} min ${secondsText}`;
  if (minutes) return `${minutes} min ${secondsText}`;
  return secondsText;
}

const tickSteps = [10_000, 60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];

/** The step of the ticks: at most about 12 of them over the span (Paris offsets are whole hours, so UTC-aligned ticks fall on Paris minutes and hours). */
function tickStep(spanMs: number): number {
  return tickSteps.find((step) => spanMs / step <= 12) ?? 12 * 3_600_000;
}

const colours = { outside: '#d0d4da', recorded: '#2e9b4f', gap: '#d92d20', tick: '#333333' };

/** Draws the range's bar at the current position, full width; returns nothing, leaves doc.y below it. */
export function drawTimeline(doc: PdfDocument, item: EvidenceJournalItem): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const barHeight = 14;
  const needed = barHeight + 40;
  if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y + 2;
  const instants = [item.requestedFrom, item.requestedTo, item.imageStart, item.imageEnd, ...item.gaps.flatMap((gap) => [gap.from, gap.to])].map((iso) =>
    Date.parse(iso),
  );
  const low = Math.min(...instants);
  const high = Math.max(low + 1000, ...instants);
  const x = (ms: number) => left + ((ms - low) / (high - low)) * width;
  const span = (from: number, to: number, colour: string) => {
    doc.rect(x(from), top, Math.max(0.6, x(to) - x(from)), barHeight).fill(colour);
  };
  span(low, high, colours.outside);
  span(Date.parse(item.imageStart), Date.parse(item.imageEnd), colours.recorded);
  for (const gap of item.gaps) span(Date.parse(gap.from), Date.parse(gap.to), colours.gap);
  doc.rect(left, top, width, barHeight).lineWidth(0.5).stroke('#555555');
  const step = tickStep(high - low);
  const format = step < 60_000 ? clockSecondsFormat : clockFormat;
  doc.font('regular').fontSize(6.5).fillColor(colours.tick);
  let lastLabelEnd = Number.NEGATIVE_INFINITY;
  for (let tick = Math.ceil(low / step) * step; tick <= high; tick += step) {
    const at = x(tick);
    doc
      .moveTo(at, top + barHeight)
      .lineTo(at, top + barHeight + 4)
      .lineWidth(0.5)
      .stroke(colours.tick);
    const label = format.format(new Date(tick));
    const labelWidth = doc.widthOfString(label);
    const labelX = Math.min(Math.max(left, at - labelWidth / 2), left + width - labelWidth);
    if (labelX > lastLabelEnd + 2) {
      doc.text(label, labelX, top + barHeight + 5, { lineBreak: false });
      lastLabelEnd = labelX + labelWidth;
    }
  }
  doc.fillColor('black');
  doc.x = left;
  doc.y = top + barHeight + 16;
  doc
    .fontSize(7)
    .text('Vert : images enregistrées ; rouge : trous ; gris : reste de la plage demandée. Graduations en heure de Paris.', left, doc.y, { width });
  doc.moveDown(0.4);
}
