/**
 * 服务站 · 亲属确认: households that named a relative's household for gifts (亲情转赠); the
 * station checks the relationship (户口本, 亲属关系证明) and confirms it once. A household of this
 * community named by a relative in another community confirms too: itself in the mini-program, or
 * here through its station (代居民确认, for an elder without a phone).
 */

const session = require('../../api/session')
const ledger = require('../../services/ledger')
const format = require('../../utils/format')

function row(k, community) {
  const waiting = k.waiting_for || []
  return Object.assign({}, k, {
    status: k.confirmed ? 'confirmed' : (waiting.includes('station') ? 'waiting' : 'relative'),
    confirmedOn: k.confirmed_at ? format.date(k.confirmed_at, true) : '',
    mine: k.household_community_id === community, // asked by a household of this community: we confirm it
    forResident: k.relative_community_id === community && waiting.includes('relative'),
    from: k.across_communities ? `（${k.household_community_name}）` : '',
  })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { waiting: [], residents: [], confirmed: [] },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(ledger.kinships({ quiet: true }), (list) => {
        const community = (session.member() || {}).community_id
        const rows = list.map((k) => row(k, community))
        this.setData({
          waiting: rows.filter((k) => k.mine && !k.station_confirmed),
          residents: rows.filter((k) => k.forResident),
          confirmed: rows.filter((k) => k.confirmed || (k.mine && k.station_confirmed)),
        })
        return rows.length > 0
      })
    },
    onConfirm(e) {
      const k = this.data.waiting.find((x) => x.id === e.currentTarget.dataset.id)
      return this.act(() => ledger.confirmKin(k.id), '已确认', {
        title: '确认亲属关系',
        content: `请先看过户口本或亲属关系证明：${k.relative_household_name}是${k.household_name}的${k.relation}家。确认后，两家可以互相转赠时间。`,
        confirmText: '已核实，确认',
        cancelText: '还没核实',
      })
    },
    /** For a resident of this community without a phone: the relative household's side. */
    onAccept(e) {
      const k = this.data.residents.find((x) => x.id === e.currentTarget.dataset.id)
      return this.act(() => ledger.acceptKin(k.id), '已代为确认', {
        title: '代居民确认亲属关系',
        content: `${k.household_name}（${k.household_community_name}）登记：${k.relative_household_name}是他们的${k.relation}家。请先问过${k.relative_household_name}本人，属实再确认。`,
        confirmText: '已问过，确认',
        cancelText: '还没问过',
      })
    },
  },
})
