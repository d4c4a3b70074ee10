/** Gives a page or component `elder` (true in elder mode) for the `elder` class on its root. */

const elder = require('../utils/elder')

module.exports = Behavior({
  data: { elder: false },
  lifetimes: {
    attached() {
      this.setData({ elder: elder.isOn() })
    },
  },
  pageLifetimes: {
    // The switch may have changed on the settings page: look again whenever the page shows.
    show() {
      const on = elder.isOn()
      if (on !== this.data.elder) this.setData({ elder: on })
    },
  },
})
