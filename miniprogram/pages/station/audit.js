/**
 * 服务站 · 检查和走访: the quarterly audits with the visits drawn for me — whom to visit or call,
 * the record they confirm, why it was flagged — and the outcome I record: 属实, or 有异议 with
 * notes (the server reverses the record's hours); the audit report as a PDF. Opened from the
 * desk (every open audit), or from the message an audit sends (?id=).
 */

const session = require('../../api/session')
const audits = require('../../services/audits')
const files = require('../../utils/files')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

function visitView(v, flagLabels) {
  const r = v.record || {}
  const flags = Array.from(new Set(v.flags || [])).map((k) => flagLabels[k] || k)
  let reversal = ''
  if (v.reversal_transfer_id) reversal = '已从志愿者存折冲正这次服务的时间'
  else if (v.reversal_note) reversal = v.reversal_note
  return Object.assign({}, v, {
    volunteer: r.volunteer_name,
    what: `${r.category_name}：${r.content}`,
    when: format.dateTime(r.started_at),
    duration: format.hours(r.duration_minutes),
    witness: r.witness_name,
    flagText: flags.join('；'),
    outcomeBy: v.outcome_at ? `${v.outcome_by_name} ${format.dateTime(v.outcome_at)}` : '',
    reversal,
  })
}

/** An audit with my visits (pending first); the others' only counted. */
function auditView(a, me) {
  const flagLabels = {}
  ;(a.flags || []).forEach((f) => { flagLabels[f.kind] = f.kind_label })
  const visits = (a.visits || []).map((v) => visitView(v, flagLabels))
  const mine = visits.filter((v) => v.assignee_id === me).sort((x, y) => (x.status === 'pending' ? 0 : 1) - (y.status === 'pending' ? 0 : 1))
  const c = a.visit_counts || {}
  return {
    id: a.id,
    label: a.label,
    open: a.status === 'open',
    ledger: a.ledger_ok ? '✓ 账目核对无误' : `✕ 账目有 ${(a.violations || []).length} 处对不上，请看检查报告`,
    sample: `从本季度 ${a.population} 条服务记录里抽了 ${a.sample_size} 条回访，可疑的记录（${a.flag_count} 处疑点）更容易抽到`,
    counts: `待走访 ${c.pending || 0} 条 · 属实 ${c.confirmed || 0} 条 · 有异议 ${c.disputed || 0} 条`,
    mine,
    others: visits.length - mine.length,
  }
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { audits: [], closed: [] },
  methods: {
    onLoad(query) {
      this.only = Number((query && query.id) || 0)
      this.load()
    },
    load() {
      const me = (session.member() || {}).id
      const community = (session.member() || {}).community_id
      // With ?id= that audit; else every audit of the community, the open ones opened in full.
      const found = this.only
        ? audits.get(this.only, { quiet: true }).then((a) => ({ open: [a], closed: [] }))
        : audits.list(community, { quiet: true }).then((list) => Promise.all(
          list.filter((a) => a.status === 'open').map((a) => audits.get(a.id, { quiet: true })),
        ).then((open) => ({ open, closed: list.filter((a) => a.status !== 'open') })))
      return this.track(found, ({ open, closed }) => {
        this.setData({
          audits: open.map((a) => auditView(a, me)),
          closed: closed.map((a) => ({ id: a.id, label: a.label, closed: format.date(a.closed_at, true) })),
        })
        return open.length + closed.length > 0
      })
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
    onConfirmVisit(e) {
      const id = e.currentTarget.dataset.id
      return nav.askText({ title: '记为属实', placeholder: '回访的情况，可以不写', confirmText: '属实' }).then((notes) => {
        if (notes === null) return false
        return this.act(() => audits.outcome(id, { outcome: 'confirmed', notes }), '已记录')
      })
    },
    onDisputeVisit(e) {
      const id = e.currentTarget.dataset.id
      return nav.confirmDialog({
        title: '记为有异议',
        content: '服务对象说这次服务没有发生，或和记录不符。记下后，这次服务的时间会从志愿者的存折里冲正。',
        confirmText: '记为有异议',
        cancelText: '再问问',
      })
        .then((yes) => yes && nav.askReason({ title: '走访的情况', placeholder: '必须写：对方怎么说的', confirmText: '保存', missing: '有异议时请写明走访情况' }))
        .then((notes) => !!notes && this.act(() => audits.outcome(id, { outcome: 'disputed', notes }), '已记录'))
    },
    onReport(e) {
      return files.openPdf(audits.reportPath(e.currentTarget.dataset.id))
    },
  },
})
