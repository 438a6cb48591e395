package rest

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// RequireToken returns a middleware that lets a request through only with
// "Authorization: Bearer <token>"; any other request gets 401, a JSON:API
// error document and a WWW-Authenticate: Bearer challenge. The comparison
// takes the same time whatever the presented token (both sides are hashed
// first, so not even the token's length leaks). An empty token disables
// the check: the middleware is the identity.
func RequireToken(token string) func(http.Handler) http.Handler {
	if token == "" {
		return func(h http.Handler) http.Handler { return h }
	}
	want := sha256.Sum256([]byte(token))
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, ok := bearer(r)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="transitquest"`)
				writeError(w, http.StatusUnauthorized, "this endpoint needs an Authorization: Bearer token")
				return
			}
			sum := sha256.Sum256([]byte(got))
			if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="transitquest", error="invalid_token"`)
				writeError(w, http.StatusUnauthorized, "the bearer token is not valid")
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// bearer is the credential of an "Authorization: Bearer …" header (the
// scheme is case-insensitive, RFC 9110 §11.1).
func bearer(r *http.Request) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}
