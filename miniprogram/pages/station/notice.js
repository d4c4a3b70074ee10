/**
 * 服务站 · 公告: a notice as the station reads it — the figures, each award with its open
 * objections, and the residents' objections to resolve: upheld (the award is rejected) or
 * dismissed (it may go ahead), with a note kept beside the objection. Opened from the
 * notices list, or from the message a new objection sends (?id=).
 */

const session = require('../../api/session')
const notices = require('../../services/notices')
const stars = require('../../services/stars')
const view = require('../../utils/notice')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const DECISIONS = {
  upheld: { title: '异议成立', content: '这项星级评定将不予通过，志愿者会看到您写的说明。', confirmText: '异议成立' },
  dismissed: { title: '异议不成立', content: '评定继续，公示期满后可以批准。', confirmText: '异议不成立' },
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { id: 0, notice: null, objections: [], open: 0 },
  methods: {
    onLoad(query) {
      const id = Number(query && query.id)
      if (!id) {
        wx.redirectTo({ url: '/pages/notices/index' })
        return
      }
      this.setData({ id })
      this.load()
    },
    load() {
      const community = (session.member() || {}).community_id
      const all = Promise.all([
        notices.get(this.data.id, { quiet: true }),
        notices.objections(this.data.id, { quiet: true }),
        // The notice masks names even for the station; the awards list names the volunteer.
        stars.awards(community, null, { quiet: true }).catch(() => []),
      ])
      return this.track(all, ([n, objections, awards]) => {
        const notice = view.full(n)
        const named = {}
        awards.forEach((a) => { named[a.id] = `${a.name}（${a.volunteer_no}）` })
        const awardOf = {}
        notice.awards.forEach((a) => { awardOf[a.award_id] = `${named[a.award_id] || a.name} · ${a.words}，${a.period_label} ${a.hours}` })
        this.setData({
          notice,
          objections: objections.map((o) => Object.assign({}, o, {
            award: awardOf[o.award_id] || '',
            when: format.dateTime(o.created_at),
            resolvedWhen: o.resolved_at ? format.dateTime(o.resolved_at) : '',
          })),
          open: objections.filter((o) => o.status === 'open').length,
        })
      })
    },
    onResolve(e) {
      const { id, decision } = e.currentTarget.dataset
      const words = DECISIONS[decision]
      return nav.confirmDialog({ ...words, cancelText: '再看看' })
        .then((yes) => yes && nav.askReason({ title: '处理说明', placeholder: '写一下核实的情况，例如：查看了签到记录', confirmText: '保存', min: 2, missing: '请写一下核实的情况' }))
        .then((note) => !!note && this.act(() => notices.resolve(id, decision, note), '已处理'))
    },
    go: nav.go,
  },
})
