/** How an activity reads on screen: when, how full, and where I stand (signed, waitlisted, checked in). */

const format = require('./format')

/** My place, in words with a mark (never colour alone). */
function mine(e) {
  if (e.my_checked_in) return '✓ 您已签到'
  if (e.my_status === 'signed') return '✓ 您已报名'
  if (e.my_status === 'waitlisted') return '… 您在候补名单上，有人退出会自动补上'
  return ''
}

function places(e) {
  const left = Math.max(0, e.capacity - e.signed)
  return `已报名 ${e.signed}/${e.capacity} 人${e.waitlisted ? `，候补 ${e.waitlisted} 人` : ''}${e.status === 'open' ? (left ? `，还剩 ${left} 个名额` : '，名额已满') : ''}`
}

/** names: category code → name, from the catalog. */
function decorate(e, names) {
  return Object.assign({}, e, {
    when: format.dateTime(e.starts_at),
    length: format.hours(e.planned_minutes),
    places: places(e),
    mine: mine(e),
    kinds: (e.category_codes || []).map((c) => (names && names[c]) || c).join('、'),
    full: e.signed >= e.capacity,
  })
}

function categoryNames(catalog) {
  const names = {}
  ;((catalog && catalog.categories) || []).forEach((c) => { names[c.code] = c.name })
  return names
}

/** The next 16th (this month's while it is still ahead), as "YYYY-MM-DD": the monthly service day. */
function next16th(today) {
  const [y, m, d] = today.split('-').map(Number)
  const [yy, mm] = d < 16 ? [y, m] : (m === 12 ? [y + 1, 1] : [y, m + 1])
  return `${yy}-${String(mm).padStart(2, '0')}-16`
}

module.exports = { decorate, categoryNames, next16th }
