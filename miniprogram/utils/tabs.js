/** The tab bar's items for a member's roles. */

const TABS = {
  home: { key: 'home', text: '首页', mark: '⌂', url: '/pages/home/index' },
  tasks: { key: 'tasks', text: '任务', mark: '✔', url: '/pages/tasks/index' },
  booking: { key: 'booking', text: '预约', mark: '+', url: '/pages/booking/index' },
  passbook: { key: 'passbook', text: '存折', mark: '▤', url: '/pages/passbook/index' },
  station: { key: 'station', text: '服务站', mark: '⚑', url: '/pages/station/index' },
  mine: { key: 'mine', text: '我的', mark: '☺', url: '/pages/mine/index' },
}

/**
 * resident: 首页/预约/存折/我的; a volunteer also gets 任务 (not while the application waits or
 * after it was refused: `volunteer` is the volunteer part of /me); a coordinator or admin gets 服务站.
 */
function tabsFor(roles, volunteer) {
  const has = (r) => (roles || []).indexOf(r) >= 0
  const applying = !!volunteer && (volunteer.status === 'pending' || volunteer.status === 'rejected')
  const keys = ['home']
  if (has('volunteer') && !applying) keys.push('tasks')
  if (has('resident') || has('volunteer')) keys.push('booking', 'passbook')
  if (has('coordinator') || has('admin')) keys.push('station')
  keys.push('mine')
  return keys.map((k) => TABS[k])
}

module.exports = { TABS, tabsFor }
