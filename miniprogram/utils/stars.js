/**
 * How stars read: marks always with words (★★☆☆☆ 2星), the levels and how far each is,
 * the national cumulative level beside the year's, and where an award stands.
 */

const format = require('./format')

const NUMERALS = ['', '一', '二', '三', '四', '五']

/** 2 → "★★☆☆☆". */
function marks(n) {
  const k = Math.max(0, Math.min(5, Number(n) || 0))
  return '★'.repeat(k) + '☆'.repeat(5 - k)
}

/** 2 → "二星"; 0 → "还没有星级". */
function words(n) {
  return n ? `${NUMERALS[n] || n}星` : '还没有星级'
}

/** 10.0 → "10"; 2.5 → "2.5". */
function hoursOf(h) {
  return String(Number(h))
}

/** One level's row: its hours and, in words, reached or how far. */
function levels(thresholdsHours, minutes) {
  return (thresholdsHours || []).map((h, i) => {
    const reached = minutes >= h * 60
    return {
      stars: i + 1,
      marks: marks(i + 1),
      name: words(i + 1),
      hours: `${hoursOf(h)} 小时`,
      reached,
      text: reached ? '✓ 已达到' : `还差 ${format.hoursNumber(h * 60 - minutes)} 小时`,
    }
  })
}

/** {stars, next_stars, minutes_to_next} → what comes next, in words. */
function nextText(level, what) {
  if (level.next_stars === null || level.next_stars === undefined) return `已经是最高的${words(5)}`
  return `再${what} ${format.hoursNumber(level.minutes_to_next)} 小时，就够${words(level.next_stars)}`
}

/** The level block for one scale (the community's year, or the national cumulative record). */
function level(l, what) {
  const first = (l.thresholds_hours || [])[0]
  return {
    hours: format.hoursNumber(l.minutes),
    stars: l.stars,
    marks: marks(l.stars),
    words: words(l.stars),
    // After a label ("社区星级："): the level, or none yet and what the first star needs.
    rank: l.stars ? words(l.stars) : `还没有${first ? `（满 ${hoursOf(first)} 小时为一星）` : ''}`,
    next: nextText(l, what),
    levels: levels(l.thresholds_hours, l.minutes),
  }
}

/**
 * Where a proposed award waits, or its final state: not_applied, applied (not yet in a notice),
 * in_notice, objected (an objection is open), notice_over (waits for the station) — or the
 * server's approved / rejected / superseded.
 */
function stage(a, nowMs) {
  if (a.status !== 'proposed') return a.status
  if (!a.applied) return 'not_applied'
  if (!a.notice_id) return 'applied'
  if (a.open_objections) return 'objected'
  return format.epochMs(a.objection_until) > nowMs ? 'in_notice' : 'notice_over'
}

function award(a, nowMs) {
  return Object.assign({}, a, {
    stage: stage(a, nowMs),
    marks: marks(a.stars),
    words: words(a.stars),
    hours: format.hours(a.minutes),
    until: a.objection_until ? format.date(a.objection_until, true) : '',
  })
}

/** Nothing at this level or above for the year yet (or only the job's proposal, not applied). */
function canApply(s) {
  if (!s.stars) return false
  return !(s.awards || []).some((a) => a.year === s.period.year && a.stars >= s.stars && (a.applied || a.status !== 'proposed'))
}

/** GET /me/stars → what the stars page shows. */
function standing(s, nowMs) {
  const p = s.period || {}
  return {
    period: p.label || '',
    range: p.start && p.end ? `${format.date(p.start)}—${format.date(p.end)}` : '',
    year: level(s, '服务'),
    national: level(s.national || { minutes: 0, stars: 0, thresholds_hours: [] }, '累计'),
    awards: (s.awards || []).map((a) => award(a, nowMs)),
    canApply: canApply(s),
  }
}

module.exports = { marks, words, levels, level, stage, award, canApply, standing }
