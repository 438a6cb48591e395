// Package transport runs the Transport Service's actors. Per tenant there
// is one hub (presence index, channel registry and character→ride
// directory), one actor per scheduled route and one per instance route, all
// under the tenant's supervisor:
//
//   - the hub gets every character-keyed input (map status, login/logout,
//     START) from the named handlers in handlers.go, keeps presence, and
//     forwards what concerns a ride to the actor of its instance route;
//   - a route actor wraps transport/route's machine on its own timer and
//     hands each departure and arrival to the hub, which computes the warps
//     from presence and emits them with the route's event in one
//     transaction;
//   - a ride actor wraps transport/ride's machine: capacity, boarding,
//     arrival and stuck timers, exits and logouts.
//
// Subsystem.Topology declares what it consumes and produces; Start runs it.
package transport
