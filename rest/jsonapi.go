package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// mediaType is the JSON:API media type every /api answer carries.
const mediaType = "application/vnd.api+json"

// resource is one JSON:API resource object.
type resource struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    any                     `json:"attributes"`
	Relationships map[string]relationship `json:"relationships,omitempty"`
}

type relationship struct {
	Data []identifier `json:"data"`
}

type identifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// links are a document's top-level links; a link that does not apply
// (no earlier page) is omitted.
type links struct {
	Self string `json:"self,omitempty"`
	Prev string `json:"prev,omitempty"`
	Next string `json:"next,omitempty"`
}

type document struct {
	Data     any            `json:"data"`
	Included []resource     `json:"included,omitempty"`
	Links    *links         `json:"links,omitempty"`
	Meta     map[string]any `json:"meta,omitempty"`
}

// apiError is one JSON:API error object.
type apiError struct {
	Status string       `json:"status"`
	Title  string       `json:"title"`
	Detail string       `json:"detail,omitempty"`
	Source *errorSource `json:"source,omitempty"`
}

// errorSource points at what an error is about: a request header, a query
// parameter or a member of the body (JSON Pointer).
type errorSource struct {
	Header    string `json:"header,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Pointer   string `json:"pointer,omitempty"`
}

type errorDocument struct {
	Errors []apiError `json:"errors"`
}

// seconds is a duration as the API writes every duration: a JSON number of
// seconds (whole seconds print as integers; a sub-second remainder as a
// decimal fraction, so no precision is lost).
type seconds time.Duration

func (s seconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, time.Duration(s).Seconds(), 'f', -1, 64), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeTyped(w, mediaType, status, v)
}

func writeTyped(w http.ResponseWriter, contentType string, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeDoc(w http.ResponseWriter, data any, included ...resource) {
	writeDocument(w, document{Data: data, Included: included})
}

func writeDocument(w http.ResponseWriter, d document) {
	if d.Data == nil {
		d.Data = []resource{}
	}
	writeJSON(w, http.StatusOK, d)
}

// writeList answers a collection: one resource per item, [] when empty.
func writeList[T any](w http.ResponseWriter, items []T, res func(T) resource) {
	data := make([]resource, 0, len(items))
	for _, it := range items {
		data = append(data, res(it))
	}
	writeDoc(w, data)
}

// writeByID answers the item the path's {id} names, or 404 naming what
// was not found.
func writeByID[T any](w http.ResponseWriter, r *http.Request, what string, find func(uuid.UUID) (T, bool), res func(T) resource) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	it, found := find(id)
	if !found {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%s %s not found", what, id))
		return
	}
	writeDoc(w, res(it))
}

// newError is the error object of status with detail.
func newError(status int, detail string) apiError {
	return apiError{Status: strconv.Itoa(status), Title: http.StatusText(status), Detail: detail}
}

func writeError(w http.ResponseWriter, status int, detail string) {
	writeErrors(w, status, newError(status, detail))
}

// writeErrors answers an error document; status is the HTTP status, which
// every error object shares.
func writeErrors(w http.ResponseWriter, status int, errs ...apiError) {
	writeJSON(w, status, errorDocument{Errors: errs})
}
