/**
 * 服务站 · 兑付能力预警: for each of the next ten years, the hours the elders' households may ask for
 * against the hours today's volunteers give, with the coverage; the warning and whom to recruit when
 * it is red; and every assumption in the server's own words, so the station can check the figures.
 * Opened from the desk's warning card (or its link).
 */

const session = require('../../api/session')
const outlook = require('../../services/outlook')
const nav = require('../../utils/nav')

function yearRow(y) {
  return Object.assign({}, y, { short: y.status === 'short' })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { years: [], warning: null, red: false, recruitText: '', bands: [], assumptions: [], asOf: '', recent: null },
  methods: {
    onLoad() {
      this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh && wx.stopPullDownRefresh())
    },
    load() {
      const community = (session.member() || {}).community_id
      return this.track(outlook.get(community, { quiet: true }), (o) => {
        this.setData({
          years: (o.years || []).map(yearRow),
          warning: o.warning,
          red: o.warning.status === 'red',
          recruitText: (o.warning.recruit_bands || []).join('、'),
          bands: (o.bands || []).filter((b) => b.volunteers || b.recruit),
          assumptions: o.assumptions || [],
          asOf: `${o.first_year}–${o.last_year}年`,
          recent: o.recent,
        })
      })
    },
    go: nav.go,
  },
})
