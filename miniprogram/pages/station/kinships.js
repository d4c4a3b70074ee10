/**
 * 服务站 · 亲属确认: households that named a relative's household for gifts (亲情转赠); the
 * station checks the relationship (户口本, 亲属关系证明) and confirms it once.
 */

const ledger = require('../../services/ledger')
const format = require('../../utils/format')

function row(k) {
  return Object.assign({}, k, {
    status: k.confirmed ? 'confirmed' : 'waiting',
    confirmedOn: k.confirmed_at ? format.date(k.confirmed_at, true) : '',
  })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { waiting: [], confirmed: [] },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(ledger.kinships({ quiet: true }), (list) => {
        const rows = list.map(row)
        this.setData({ waiting: rows.filter((k) => !k.confirmed), confirmed: rows.filter((k) => k.confirmed) })
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
  },
})
