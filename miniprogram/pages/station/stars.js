/**
 * 服务站 · 星级评定: awards waiting for a decision (approve only after the notice period, with no
 * objection open — the server says when it is too early), the approved ones with their
 * certificates, and every volunteer's hours this year beside the national level.
 * Opened from the desk, or from a message with ?award= (that award first).
 */

const session = require('../../api/session')
const stars = require('../../services/stars')
const view = require('../../utils/stars')
const files = require('../../utils/files')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const STATUS_WORDS = { proposed: '待审批', approved: '已评定', rejected: '未通过', superseded: '已升级' }

function standingRow(v) {
  return Object.assign({}, v, {
    hours: format.hoursNumber(v.minutes),
    marks: view.marks(v.stars),
    words: view.words(v.stars),
    national: `${format.hoursNumber(v.national_minutes)} 小时 · ${view.words(v.national_stars)}`,
    awardText: v.award_status ? STATUS_WORDS[v.award_status] || v.award_status : '',
  })
}

/** Waiting first (the focused one before them), then the rest, newest first as the server sends them. */
function ordered(awards, focus) {
  const rank = (a) => (a.id === focus ? 0 : a.status === 'proposed' ? 1 : 2)
  return awards.slice().sort((a, b) => rank(a) - rank(b))
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { period: '', waiting: [], decided: [], volunteers: [], focus: 0 },
  methods: {
    onLoad(query) {
      this.setData({ focus: Number((query && query.award) || 0) })
      this.load()
    },
    load() {
      const community = (session.member() || {}).community_id
      const both = Promise.all([stars.awards(community, null, { quiet: true }), stars.standings(community, { quiet: true })])
      return this.track(both, ([awards, standings]) => {
        const now = Date.now()
        const all = ordered(awards.map((a) => Object.assign(view.award(a, now), { focused: a.id === this.data.focus })), this.data.focus)
        this.setData({
          period: standings.period_label,
          waiting: all.filter((a) => a.status === 'proposed'),
          decided: all.filter((a) => a.status !== 'proposed'),
          volunteers: (standings.volunteers || []).map(standingRow),
        })
      })
    },
    award(id) {
      return this.data.waiting.find((a) => a.id === id)
    },
    onApprove(e) {
      const a = this.award(e.currentTarget.dataset.id)
      return this.act(() => stars.approve(a.id), '已批准，证书已发', {
        title: '批准评定',
        content: `${a.name}（${a.volunteer_no}），${a.period_label}${a.hours}，评为${a.words}志愿者。批准后发证书。`,
        confirmText: '批准',
        cancelText: '再看看',
      })
    },
    onReject(e) {
      const id = e.currentTarget.dataset.id
      return nav.askReason({ title: '不予评定的原因', placeholder: '会告诉志愿者，例如：核实后时间不够', confirmText: '不予评定', min: 2 })
        .then((reason) => !!reason && this.act(() => stars.reject(id, reason), '已驳回'))
    },
    onCertificate(e) {
      return files.openPdf(stars.certificatePath(e.currentTarget.dataset.id))
    },
    go: nav.go,
  },
})
