/** 适老化 elder mode: large type and high contrast, remembered on the phone. */

const KEY = 'lb_elder_mode'

function isOn() {
  return wx.getStorageSync(KEY) === true
}

function set(on) {
  wx.setStorageSync(KEY, !!on)
}

module.exports = { isOn, set, KEY }
