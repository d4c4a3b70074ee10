/** Turning API values into words for the screen: hours, dates and times, masked names and phones. */

/** 90 → "1.5"; minutes are integers, hours get one decimal. */
function hoursNumber(minutes) {
  const m = Number(minutes) || 0
  return (Math.round((m / 60) * 10) / 10).toFixed(1)
}

/** 90 → "1.5 小时"; -60 → "-1.0 小时". */
function hours(minutes) {
  return `${hoursNumber(minutes)} 小时`
}

/** Signed, for ledger rows: 60 → "+1.0", -30 → "-0.5". */
function signedHours(minutes) {
  const m = Number(minutes) || 0
  return `${m > 0 ? '+' : m < 0 ? '-' : ''}${hoursNumber(Math.abs(m))}`
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

/**
 * The parts of an API datetime as the community reads it. The server sends local time
 * with its offset (+08:00), so the wall-clock digits are taken as written, whatever the
 * phone's own time zone.
 */
function parts(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(iso || '')
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay()
  return { y, mo, d, hh: m[4] || '', mm: m[5] || '', weekday }
}

/** "2026-11-29T14:30:00+08:00" → "11月29日"; with the year when asked. */
function date(iso, withYear) {
  const p = parts(iso)
  if (!p) return ''
  return `${withYear ? `${p.y}年` : ''}${p.mo}月${p.d}日`
}

/** "11月29日 周日 14:30". */
function dateTime(iso) {
  const p = parts(iso)
  if (!p) return ''
  return `${p.mo}月${p.d}日 周${WEEKDAYS[p.weekday]}${p.hh ? ` ${p.hh}:${p.mm}` : ''}`
}

/** "14:30". */
function time(iso) {
  const p = parts(iso)
  return p && p.hh ? `${p.hh}:${p.mm}` : ''
}

/** A time window: "11月30日 周一 09:00–11:00" (end date shown only when it differs). */
function windowText(start, end) {
  if (!start) return ''
  const a = parts(start)
  const b = parts(end)
  if (!b) return dateTime(start)
  const sameDay = a.y === b.y && a.mo === b.mo && a.d === b.d
  return `${dateTime(start)}–${sameDay ? time(end) : dateTime(end)}`
}

/** An API datetime (with offset, maybe microseconds) → epoch milliseconds; NaN when unreadable. */
function epochMs(iso) {
  return Date.parse(String(iso || '').replace(/(\.\d{3})\d+/, '$1'))
}

/** Seconds → "4分32秒" / "32秒", for how long a code stays valid. */
function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds))
  const m = Math.floor(s / 60)
  return m ? `${m}分${String(s % 60).padStart(2, '0')}秒` : `${s}秒`
}

/** "YYYY-MM-DD" of today in the community's time zone (UTC+8), for pickers. */
function today(now) {
  const t = new Date((now || Date.now()) + 8 * 3600 * 1000)
  return t.toISOString().slice(0, 10)
}

/** Picker date + time → the API's local datetime with offset. */
function toApiDateTime(day, hhmm) {
  return `${day}T${hhmm}:00+08:00`
}

/** Minutes between two "HH:MM". */
function minutesBetween(from, to) {
  const [a, b] = [from, to].map((s) => {
    const [h, m] = s.split(':').map(Number)
    return h * 60 + m
  })
  return b - a
}

/** 138****5678; the server already masks what the viewer may not see, this is for our own lists. */
function maskPhone(phone) {
  const s = String(phone || '')
  return /^1\d{10}$/.test(s) ? `${s.slice(0, 3)}****${s.slice(7)}` : s
}

/** 王秀兰 → 王**: for names shown to people who have not claimed the task. */
function maskName(name) {
  const s = String(name || '')
  return s.length <= 1 ? s : s[0] + '*'.repeat(Math.min(2, s.length - 1))
}

module.exports = {
  hoursNumber, hours, signedHours, parts, date, dateTime, time, windowText,
  epochMs, countdown, today, toApiDateTime, minutesBetween, maskPhone, maskName,
}
