/** The service menu (8 categories and their items), teams and communities. */

const api = require('../api/request')

let cached = null

function getCatalog(opts) {
  if (cached) return Promise.resolve(cached)
  return api.get('/catalog', null, { auth: false, ...opts }).then((c) => {
    cached = c
    return c
  })
}

function forget() {
  cached = null
}

function communities(opts) {
  return api.get('/communities', null, opts)
}

module.exports = { getCatalog, communities, forget }
