package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
)

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

type document struct {
	Data     any        `json:"data"`
	Included []resource `json:"included,omitempty"`
}

type apiError struct {
	Status string `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeDoc(w http.ResponseWriter, data any, included ...resource) {
	if data == nil {
		data = []resource{}
	}
	writeJSON(w, http.StatusOK, document{Data: data, Included: included})
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

func writeError(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string][]apiError{"errors": {{
		Status: strconv.Itoa(status), Title: http.StatusText(status), Detail: detail,
	}}})
}
