/** 爱心银行 mini-program: on launch, a member without a login goes to the login page. */

const session = require('./api/session')

App({
  onLaunch() {
    if (!session.token()) wx.reLaunch({ url: '/pages/login/index' })
  },
})
