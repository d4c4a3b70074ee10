/** The bottom tab bar, with the tabs the member's roles need (utils/tabs.js). */

const session = require('../../api/session')
const { tabsFor } = require('../../utils/tabs')

Component({
  behaviors: [require('../../behaviors/elder')],
  properties: {
    current: { type: String, value: 'home' },
  },
  data: { tabs: [] },
  lifetimes: {
    attached() {
      const member = session.member()
      this.setData({ tabs: tabsFor(member ? member.roles : ['resident'], member && member.volunteer) })
    },
  },
  methods: {
    onTap(e) {
      const { key, url } = e.currentTarget.dataset
      if (key === this.data.current) return
      wx.redirectTo({ url })
    },
  },
})
