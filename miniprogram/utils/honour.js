/** How an honour-rate answer (兑付率) reads: the rate, the sentence the server wrote, and each figure named by the server. */

const format = require('./format')

const COUNTS = ['opened', 'on_time', 'late', 'not_honoured', 'cancelled', 'open', 'served_by_volunteers', 'served_by_providers']

/** The figure rows, in the order a coordinator reads them; the names are the server's (`labels`). */
function rows(h) {
  const labels = h.labels || {}
  const median = h.median_hours_to_service
  return COUNTS.map((key) => ({ key, label: labels[key] || key, value: `${h[key] || 0} 件` })).concat([
    { key: 'median_hours_to_service', label: labels.median_hours_to_service || '', value: median === null || median === undefined ? '—' : `${median} 小时` },
    { key: 'minutes_redeemed', label: labels.minutes_redeemed || '', value: format.hours(h.minutes_redeemed) },
  ])
}

/** The short line under the rate: "按时兑付 5 · 晚于承诺兑付 1 · 未兑付 0". */
function counts(h) {
  const labels = h.labels || {}
  return ['on_time', 'late', 'not_honoured'].map((key) => `${labels[key] || key} ${h[key] || 0}`).join(' · ')
}

function view(h) {
  if (!h) return null
  return {
    rate: h.honour_rate_label,
    hasRate: h.honour_rate !== null && h.honour_rate !== undefined,
    summary: h.summary,
    counts: counts(h),
    rows: rows(h),
    label: h.label || '',
    complete: !!h.complete,
    redeemed: format.hours(h.minutes_redeemed),
  }
}

/** The quarter before and after (year, quarter). */
function previous(year, quarter) {
  return quarter > 1 ? { year, quarter: quarter - 1 } : { year: year - 1, quarter: 4 }
}

function next(year, quarter) {
  return quarter < 4 ? { year, quarter: quarter + 1 } : { year: year + 1, quarter: 1 }
}

module.exports = { view, rows, counts, previous, next }
