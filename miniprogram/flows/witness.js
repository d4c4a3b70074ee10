/**
 * 见证确认 as the person sees it: confirm a finished service (one tap, or the volunteer's QR),
 * or say something was wrong. Shared by 我的求助 and 服务站.
 */

const records = require('../services/records')
const nav = require('../utils/nav')
const scan = require('../utils/scan')

/**
 * A refusal the request wrapper has shown in the server's words: true when it was a 409 — the
 * record moved meanwhile (the volunteer withdrew or corrected it, someone else confirmed it) —
 * so the page reads its list again and shows where the record now stands.
 */
const moved = (err) => !!err && err.status === 409

/** Resolves true when confirmed, or when the record had moved meanwhile (read the list again). */
function confirm(recordId) {
  return nav.confirmDialog({
    title: '确认服务已完成',
    content: '确认后，志愿者的服务时间会记入存折。',
    confirmText: '确认完成',
    cancelText: '再看看',
  }).then((yes) => yes && records.confirm(recordId).then(() => {
    nav.toast('已确认，谢谢您')
    return true
  }, moved))
}

/** Resolves true when the problem was sent to the station, or when the record had moved meanwhile. */
function dispute(recordId) {
  return nav.askText({ title: '哪里有问题？', placeholder: '例如：志愿者没有来', confirmText: '告诉服务站' })
    .then((reason) => {
      if (reason === null) return false
      if (!reason) {
        wx.showToast({ title: '请写一下有什么问题', icon: 'none' })
        return false
      }
      return records.dispute(recordId, reason).then(() => {
        nav.toast('已告诉服务站')
        return true
      }, moved)
    })
}

/**
 * Scan the volunteer's QR and confirm; resolves true when confirmed, or when the record had moved
 * (a QR shown before the volunteer corrected or withdrew the report: the server asks for a fresh one).
 */
function scanAndConfirm() {
  return scan.scanToken().then((token) => token && records.confirmQr(token).then(() => {
    nav.toast('已确认，谢谢您')
    return true
  }, moved))
}

module.exports = { confirm, dispute, scanAndConfirm }
