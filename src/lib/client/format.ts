// How numbers and times read on the dashboard.
const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const score = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export const formatCount = (value: number) => integer.format(value);
export const formatMoney = (value: number) => money.format(value);
export const formatPercent = (value: number) => percent.format(value);
export const formatScore = (value: number) => score.format(value);

/** "14:05:09" in the viewer's time zone. */
export const formatClock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });

/** "2026-03-01 14:05:09" in the viewer's time zone. */
export const formatDateTime = (iso: string) => {
  const at = new Date(iso);
  return `${at.toLocaleDateString('sv-SE')} ${at.toLocaleTimeString('en-GB', { hour12: false })}`;
};
