package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

type transportAPI struct {
	s   *transport.Subsystem
	log *zap.Logger
}

type routeAttributes struct {
	Name             string   `json:"name"`
	StartMapID       uint32   `json:"startMapId"`
	StagingMapID     uint32   `json:"stagingMapId"`
	EnRouteMapIDs    []uint32 `json:"enRouteMapIds"`
	DestinationMapID uint32   `json:"destinationMapId"`
	ObservationMapID uint32   `json:"observationMapId"`
	State            string   `json:"state"`
	// Durations are integer nanoseconds, as the reference's Go Duration.
	CycleInterval  time.Duration `json:"cycleInterval"`
	BoardingWindow time.Duration `json:"boardingWindow"`
	PreDeparture   time.Duration `json:"preDeparture"`
	Travel         time.Duration `json:"travelDuration"`
}

type tripAttributes struct {
	BoardingOpen   time.Time `json:"boardingOpen"`
	BoardingClosed time.Time `json:"boardingClosed"`
	Departure      time.Time `json:"departure"`
	Arrival        time.Time `json:"arrival"`
}

func routeResource(v transport.RouteView) (resource, []resource) {
	r := v.Route
	res := resource{Type: "routes", ID: r.ID.String(), Attributes: routeAttributes{
		Name: r.Name, StartMapID: r.StartMapID, StagingMapID: r.StagingMapID, EnRouteMapIDs: r.EnRouteMapIDs,
		DestinationMapID: r.DestinationMapID, ObservationMapID: r.ObservationMapID, State: string(v.State),
		CycleInterval: r.CycleInterval, BoardingWindow: r.BoardingWindow, PreDeparture: r.PreDeparture, Travel: r.Travel,
	}}
	trips := tripResources(v.Trips)
	ids := make([]identifier, len(trips))
	for i, t := range trips {
		ids[i] = identifier{Type: t.Type, ID: t.ID}
	}
	res.Relationships = map[string]relationship{"schedule": {Data: ids}}
	return res, trips
}

func tripResources(trips []schedule.Trip) []resource {
	out := make([]resource, len(trips))
	for i, t := range trips {
		out[i] = resource{Type: "trip-schedule", ID: t.ID.String(), Attributes: tripAttributes{
			BoardingOpen: t.BoardingOpen, BoardingClosed: t.BoardingClosed, Departure: t.Departure, Arrival: t.Arrival}}
	}
	return out
}

func (a transportAPI) routes(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	var filter *uint32
	if f := r.URL.Query().Get("filter[startMapId]"); f != "" {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			writeError(w, http.StatusBadRequest, "filter[startMapId] must be a uint32")
			return
		}
		m := uint32(v)
		filter = &m
	}
	views, err := a.s.Routes(r.Context(), t)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	data := []resource{}
	var included []resource
	for _, v := range views {
		if filter != nil && v.Route.StartMapID != *filter {
			continue
		}
		res, trips := routeResource(v)
		data = append(data, res)
		included = append(included, trips...)
	}
	writeDoc(w, data, included...)
}

func (a transportAPI) view(w http.ResponseWriter, r *http.Request, t tenant.Tenant) (transport.RouteView, bool) {
	id, ok := pathUUID(w, r)
	if !ok {
		return transport.RouteView{}, false
	}
	v, err := a.s.Route(r.Context(), t, id)
	switch {
	case errors.Is(err, transport.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("route %s not found", id))
		return v, false
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return v, false
	}
	return v, true
}

func (a transportAPI) route(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	if v, ok := a.view(w, r, t); ok {
		res, trips := routeResource(v)
		writeDoc(w, res, trips...)
	}
}

func (a transportAPI) routeState(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	if v, ok := a.view(w, r, t); ok {
		writeDoc(w, resource{Type: "route-state", ID: v.Route.ID.String(), Attributes: map[string]string{"state": string(v.State)}})
	}
}

func (a transportAPI) routeSchedule(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	if v, ok := a.view(w, r, t); ok {
		writeDoc(w, tripResources(v.Trips))
	}
}

type instanceRouteAttributes struct {
	Name             string        `json:"name"`
	StartMapID       uint32        `json:"startMapId"`
	TransitMapID     uint32        `json:"transitMapId"`
	DestinationMapID uint32        `json:"destinationMapId"`
	Capacity         uint32        `json:"capacity"`
	BoardingWindow   time.Duration `json:"boardingWindow"`
	TravelDuration   time.Duration `json:"travelDuration"`
}

func instanceRouteResource(r ride.Route) resource {
	return resource{Type: "instance-routes", ID: r.ID.String(), Attributes: instanceRouteAttributes{
		Name: r.Name, StartMapID: r.StartMapID, TransitMapID: r.TransitMapID, DestinationMapID: r.DestinationMapID,
		Capacity: r.Capacity, BoardingWindow: r.BoardingWindow, TravelDuration: r.Travel}}
}

func (a transportAPI) instanceRoutes(w http.ResponseWriter, _ *http.Request, t tenant.Tenant) {
	writeList(w, a.s.InstanceRoutes(t), instanceRouteResource)
}

func (a transportAPI) instanceRoute(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	writeByID(w, r, "instance route", func(id uuid.UUID) (ride.Route, bool) { return a.s.InstanceRoute(t, id) }, instanceRouteResource)
}

type instanceStatusAttributes struct {
	RouteID       uuid.UUID    `json:"routeId"`
	State         string       `json:"state"`
	Characters    int          `json:"characters"`
	Riders        []ride.Rider `json:"riders"`
	BoardingUntil time.Time    `json:"boardingUntil"`
	ArrivalAt     time.Time    `json:"arrivalAt"`
}

func (a transportAPI) instanceStatus(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	instances, err := a.s.Instances(r.Context(), t, id)
	switch {
	case errors.Is(err, transport.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("instance route %s not found", id))
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	data := []resource{}
	for _, in := range instances {
		data = append(data, resource{Type: "instance-status", ID: in.ID.String(), Attributes: instanceStatusAttributes{
			RouteID: id, State: string(in.Phase), Characters: len(in.Riders), Riders: in.Riders,
			BoardingUntil: in.BoardingUntil, ArrivalAt: in.ArrivalAt}})
	}
	writeDoc(w, data)
}

type startRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			CharacterID uint32 `json:"characterId"`
			WorldID     byte   `json:"worldId"`
			ChannelID   byte   `json:"channelId"`
		} `json:"attributes"`
	} `json:"data"`
}

// start is the REST twin of the START command; 204 once the warp and the
// STARTED event are committed.
func (a transportAPI) start(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	var req startRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if req.Data.Type != "start-transport" {
		writeError(w, http.StatusBadRequest, `data.type must be "start-transport"`)
		return
	}
	at := req.Data.Attributes
	err := a.s.StartRide(r.Context(), t, id, at.WorldID, at.CharacterID, at.ChannelID)
	var rej *messages.Rejection
	switch {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case errors.As(err, &rej) && rej.Reason == messages.ReasonUnknownTarget:
		writeError(w, http.StatusNotFound, rej.Detail)
	case errors.As(err, &rej) && rej.Reason == messages.ReasonPanic:
		a.log.Error("start transport failed inside the service", zap.Error(err))
		writeError(w, http.StatusInternalServerError, rej.Detail)
	case errors.As(err, &rej):
		writeError(w, http.StatusBadRequest, rej.Error())
	default:
		a.log.Error("start transport", zap.Error(err))
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}
