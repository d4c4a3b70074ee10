/**
 * 通存通兑: each network's communities, how many hours each is owed by or owes the others (its
 * clearing balance, in the server's words) and its limit, and last month's settlement (the hours that
 * went between each pair of communities; the monthly close stores it and tells each station). Admins see
 * every network; a station sees its own community's.
 */

const networks = require('../../services/networks')
const format = require('../../utils/format')

function member(m) {
  return Object.assign({}, m, {
    limit: format.hours(m.limit_minutes),
    // How full the limit is, for the bar: 0–100.
    used: m.limit_minutes ? Math.min(100, Math.round((Math.abs(m.position_minutes) * 100) / m.limit_minutes)) : 0,
    owes: m.position_minutes < 0,
  })
}

/** The month before today's (Beijing time): the one the monthly close settles on the 1st. */
function lastMonth(now) {
  const [year, month] = format.today(now).split('-').map(Number)
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 }
}

function settlementView(s) {
  return Object.assign({}, s, {
    flows: s.flows.map((f) => Object.assign({}, f, { hours: format.hours(f.minutes) })),
    state: s.closed ? '已结算' : '还没有结账，数字会随入账变化',
  })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { networks: [] },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(networks.list({ quiet: true }), (list) => {
        this.setData({ networks: list.map((n) => Object.assign({}, n, { members: n.members.map(member) })) })
        this.loadSettlements(list)
        return list.length > 0
      })
    },
    /** Each network's settlement of last month, under its positions (a failure leaves the card out). */
    loadSettlements(list) {
      const { year, month } = lastMonth()
      return Promise.all(list.map((n, i) => networks.settlement(n.id, year, month, { quiet: true }).then(
        (s) => this.setData({ [`networks[${i}].settlement`]: settlementView(s) }), () => null)))
    },
  },
})
