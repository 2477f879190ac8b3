// The signed-in session of the console (/) and the phone page (/m): the access token goes with every call, and when
// it has run out (15 minutes) the refresh token renews it once and the call is made again, so a person who keeps
// working stays signed in until the refresh token ends (12 hours) or the session is ended (sign-out, a change of
// grants or password, a disabled account). One renewal at a time: a refresh token works only once.
const xzSession = (() => {
  const KEY = "xz-session";
  let state = JSON.parse(sessionStorage.getItem(KEY) || "null");
  let renewing = null;
  function begin(result) {
    state = {access: result.access_token, refresh: result.refresh_token || (state && state.refresh)};
    sessionStorage.setItem(KEY, JSON.stringify(state));
  }
  function end() { state = null; sessionStorage.removeItem(KEY); }
  function token() { return state ? state.access : null; }
  function renew() {
    if (!state || !state.refresh) return Promise.resolve(false);
    if (!renewing) {
      renewing = fetch("/api/v1/auth/refresh", {method: "POST", headers: {"Content-Type": "application/json"},
                                                 body: JSON.stringify({refresh_token: state.refresh})})
        .then(async r => { if (!r.ok) return false; begin(await r.json()); return true; })
        .catch(() => false)
        .finally(() => { renewing = null; });
    }
    return renewing;
  }
  async function call(path, options) {
    options = options || {};
    const send = () => fetch(path, Object.assign({}, options, {headers: Object.assign({}, options.headers || {},
      token() ? {Authorization: "Bearer " + token()} : {})}));
    let r = await send();
    if (r.status === 401 && path.indexOf("/api/v1/auth/") !== 0 && await renew()) r = await send();
    return r;
  }
  return {begin, end, token, fetch: call};
})();
