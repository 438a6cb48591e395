package loadgen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// WriteConfig writes the plan as the service's configuration file
// (config.json) plus a definitions folder under dir, and returns the path
// to give the service as CONFIG_PATH.
func (p Plan) WriteConfig(dir string) (string, error) {
	defs := filepath.Join(dir, "definitions")
	if err := os.MkdirAll(defs, 0o755); err != nil {
		return "", fmt.Errorf("config folder: %w", err)
	}
	def, err := json.MarshalIndent(p.Quest.Definition, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode quest definition: %w", err)
	}
	if err := os.WriteFile(filepath.Join(defs, QuestID+".json"), def, 0o644); err != nil {
		return "", fmt.Errorf("write quest definition: %w", err)
	}
	type route struct {
		ID               string   `json:"id"`
		Name             string   `json:"name"`
		StartMapID       uint32   `json:"startMapId"`
		StagingMapID     uint32   `json:"stagingMapId"`
		EnRouteMapIDs    []uint32 `json:"enRouteMapIds"`
		DestinationMapID uint32   `json:"destinationMapId"`
		ObservationMapID uint32   `json:"observationMapId"`
		BoardingWindow   string   `json:"boardingWindow"`
		PreDeparture     string   `json:"preDeparture"`
		Travel           string   `json:"travel"`
		CycleInterval    string   `json:"cycleInterval"`
	}
	type instanceRoute struct {
		ID               string `json:"id"`
		Name             string `json:"name"`
		StartMapID       uint32 `json:"startMapId"`
		TransitMapID     uint32 `json:"transitMapId"`
		DestinationMapID uint32 `json:"destinationMapId"`
		Capacity         uint32 `json:"capacity"`
		BoardingWindow   string `json:"boardingWindow"`
		Travel           string `json:"travel"`
	}
	type tenantRec struct {
		ID             string          `json:"id"`
		Region         string          `json:"region"`
		MajorVersion   uint16          `json:"majorVersion"`
		MinorVersion   uint16          `json:"minorVersion"`
		Routes         []route         `json:"routes"`
		InstanceRoutes []instanceRoute `json:"instanceRoutes"`
		Definitions    string          `json:"partyQuestDefinitions"`
	}
	var file struct {
		Tenants []tenantRec `json:"tenants"`
	}
	for _, t := range p.Tenants {
		tr := tenantRec{ID: t.Tenant.ID.String(), Region: t.Tenant.Region, MajorVersion: t.Tenant.MajorVersion,
			MinorVersion: t.Tenant.MinorVersion, Definitions: "definitions", Routes: []route{}, InstanceRoutes: []instanceRoute{}}
		for _, r := range t.Routes {
			tr.Routes = append(tr.Routes, route{r.ID.String(), r.Name, r.StartMapID, r.StagingMapID, r.EnRouteMapIDs,
				r.DestinationMapID, r.ObservationMapID, r.BoardingWindow.String(), r.PreDeparture.String(), r.Travel.String(), r.CycleInterval.String()})
		}
		for _, r := range t.InstanceRoutes {
			tr.InstanceRoutes = append(tr.InstanceRoutes, instanceRoute{r.ID.String(), r.Name, r.StartMapID, r.TransitMapID,
				r.DestinationMapID, r.Capacity, r.BoardingWindow.String(), r.Travel.String()})
		}
		file.Tenants = append(file.Tenants, tr)
	}
	b, err := json.MarshalIndent(file, "", " ")
	if err != nil {
		return "", fmt.Errorf("encode config: %w", err)
	}
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("write config: %w", err)
	}
	return path, nil
}
