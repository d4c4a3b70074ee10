/** 活动签到 as the volunteer does it: scan the station's QR at the activity; the server checks the sign-up. */

const events = require('../services/events')
const scan = require('../utils/scan')
const nav = require('../utils/nav')

/** Resolves true when checked in. */
function scanIn() {
  return scan.scanToken().then((token) => token && events.checkIn(token).then(() => {
    nav.toast('签到成功')
    return true
  }, () => false))
}

module.exports = { scan: scanIn }
