/**
 * WeChat's privacy authorization: shown when WeChat says it is needed (wx.onNeedPrivacyAuthorization)
 * or when a page asks (`check()`), before any personal data is collected.
 */

Component({
  behaviors: [require('../../behaviors/elder')],
  data: { visible: false },
  lifetimes: {
    attached() {
      this.resolvePrivacy = null
      if (wx.onNeedPrivacyAuthorization) {
        wx.onNeedPrivacyAuthorization((resolve) => {
          this.resolvePrivacy = resolve
          this.setData({ visible: true })
        })
      }
    },
  },
  methods: {
    /** Resolves true when already authorized; otherwise shows the popup and resolves false. */
    check() {
      return new Promise((resolve) => {
        if (!wx.getPrivacySetting) {
          resolve(true)
          return
        }
        wx.getPrivacySetting({
          success: (res) => {
            if (res.needAuthorization) this.setData({ visible: true })
            resolve(!res.needAuthorization)
          },
          fail: () => resolve(true),
        })
      })
    },
    onRead() {
      if (wx.openPrivacyContract) wx.openPrivacyContract({})
    },
    onAgree() {
      if (this.resolvePrivacy) this.resolvePrivacy({ buttonId: 'privacy-agree', event: 'agree' })
      this.resolvePrivacy = null
      this.setData({ visible: false })
      this.triggerEvent('agree')
    },
    onDisagree() {
      if (this.resolvePrivacy) this.resolvePrivacy({ event: 'disagree' })
      this.resolvePrivacy = null
      this.setData({ visible: false })
      this.triggerEvent('disagree')
    },
  },
})
