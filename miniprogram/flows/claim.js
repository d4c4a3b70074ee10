/** 接单 as the volunteer does it: confirm in plain words, claim, then offer the reminder. */

const tasks = require('../services/tasks')
const notifications = require('../services/notifications')
const format = require('../utils/format')
const nav = require('../utils/nav')

/** Resolves with the claimed task, or null (not confirmed, or refused: the wrapper has said why). */
function claim(task) {
  return nav.confirmDialog({
    title: '确认接单',
    content: `${task.item_name || task.title}，${format.windowText(task.window_start, task.window_end)}。接单后请按时到达，有事及时联系服务站。`,
    confirmText: '确认接单',
    cancelText: '再想想',
  }).then((ok) => {
    if (!ok) return null
    return tasks.claim(task.id).then((claimed) => {
      nav.toast('接单成功')
      return notifications.offerSubscribe('after_claim', '接单成功', '服务前要微信提醒您吗？').then(() => claimed)
    }, () => null)
  })
}

module.exports = { claim }
