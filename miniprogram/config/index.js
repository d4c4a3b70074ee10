/** Where the API lives and which switches are on, chosen by the mini-program's version (develop / trial / release). */

const ENVS = {
  // `make run` serves the API here; turn off "校验合法域名" in DevTools to reach it.
  develop: { baseUrl: 'http://127.0.0.1:8000', devLogin: true },
  // Deployment replaces these with the station's HTTPS domain (it must be listed in the mini-program's request domains).
  trial: { baseUrl: 'https://lovebank.example.com', devLogin: false },
  release: { baseUrl: 'https://lovebank.example.com', devLogin: false },
}

// The moments we ask for WeChat subscribe messages, and the template keys each asks for
// (WeChat allows 3 per ask). The WeChat template ids come from GET /subscriptions; a key
// the server has no id for is left out, and with none left nothing is asked.
const SUBSCRIBE_MOMENTS = {
  after_booking: ['task_claimed', 'witness_request'],
  after_claim: ['task_reminder', 'hours_credited'],
  after_signup: ['event_reminder', 'hours_credited'],
  after_register: ['task_offer'],
  at_station: ['coordinator_alert'],
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

module.exports = { ENVS, SUBSCRIBE_MOMENTS, REQUEST_TIMEOUT_MS, current }
