/** Scanning a QR with the camera: the token it carries (the bare token, or a link with `token=`). */

function tokenFromScan(result) {
  const m = /[?&]token=([^&]+)/.exec(result || '')
  return m ? decodeURIComponent(m[1]) : (result || '').trim()
}

/** Resolves with the token, or '' when the person closed the camera. */
function scanToken() {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => resolve(tokenFromScan(res.result)),
      fail: () => resolve(''),
    })
  })
}

module.exports = { tokenFromScan, scanToken }
