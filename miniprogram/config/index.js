/** Where the API lives and which switches are on, chosen by the mini-program's version (develop / trial / release). */

const ENVS = {
  // `make run` serves the API here; turn off "校验合法域名" in DevTools to reach it.
  develop: { baseUrl: 'http://127.0.0.1:8000', devLogin: true },
  // Deployment replaces these with the station's HTTPS domain (it must be listed in the mini-program's request domains).
  trial: { baseUrl: 'https://lovebank.example.com', devLogin: false },
  release: { baseUrl: 'https://lovebank.example.com', devLogin: false },
}

// Subscribe-message templates by our key. The WeChat template ids will come from a config
// endpoint; until then they are empty and asking is skipped.
const SUBSCRIBE_TEMPLATES = {
  request_claimed: '', // 您的求助有人接了
  service_to_confirm: '', // 请确认服务
  task_reminder: '', // 任务提醒
  hours_credited: '', // 时间已存入
}

// The moments we ask, and the template keys each asks for (WeChat allows 3 per ask).
const SUBSCRIBE_MOMENTS = {
  after_booking: ['request_claimed', 'service_to_confirm'],
  after_claim: ['task_reminder', 'hours_credited'],
}

const REQUEST_TIMEOUT_MS = 15000

function envVersion() {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion || 'develop'
  } catch (_err) {
    return 'develop'
  }
}

function current() {
  return ENVS[envVersion()] || ENVS.develop
}

module.exports = { ENVS, SUBSCRIBE_TEMPLATES, SUBSCRIBE_MOMENTS, REQUEST_TIMEOUT_MS, current }
