/**
 * 通存通兑: each network's communities, how many hours each is owed by or owes the others (its
 * clearing balance, in the server's words) and its limit. Admins see every network; a station
 * sees its own community's.
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
        return list.length > 0
      })
    },
  },
})
