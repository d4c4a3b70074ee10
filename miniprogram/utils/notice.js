/** How a public notice (公告) reads: when it was published, whether objections are still open, its figures and its awards. */

const format = require('./format')
const honour = require('./honour')
const stars = require('./stars')

const KINDS = { quarterly: '季度志愿服务公示', awards: '星级评定公示' }

/** In words with a mark, never colour alone. */
function windowText(n) {
  const until = format.date(n.objection_until, true)
  return n.objections_open ? `✎ 可以提出异议，到${until}为止` : `■ 公示已于${until}结束`
}

function brief(n) {
  return Object.assign({}, n, {
    kindText: KINDS[n.kind] || '公示',
    published: format.date(n.published_at, true),
    windowText: windowText(n),
  })
}

const hoursRow = (r) => Object.assign({}, r, { hours: format.hours(r.minutes) })

/** The whole notice: its activity and honour rate (quarterly notices), and its awards. */
function full(n) {
  const a = n.activity
  return Object.assign(brief(n), {
    activity: a ? {
      hours: format.hours(a.minutes),
      records: a.records,
      volunteers: a.volunteers,
      byTeam: (a.by_team || []).map(hoursRow),
      byCategory: (a.by_category || []).map(hoursRow),
      byVolunteer: (a.by_volunteer || []).map(hoursRow),
    } : null,
    honour: honour.view(n.honour),
    awards: (n.awards || []).map((w) => Object.assign(hoursRow(w), { marks: stars.marks(w.stars), words: stars.words(w.stars) })),
  })
}

module.exports = { brief, full, windowText }
