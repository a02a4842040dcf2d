/*
 * swarmgrid pin map for an ESP32-DevKitC (ESP32-WROOM-32), imported by the
 * firmware as the module "swarmgrid/board". UART 0 (GPIO 1/3) stays with
 * xsbug / serial2xsbug. See boards/README.md for the wiring.
 */
import Digital from "embedded:io/digital";
import I2C from "embedded:io/i2c";
import Serial from "embedded:io/serial";

const board = Object.freeze({
	name: "swarmgrid-esp32-devkitc",
	io: Object.freeze({ Digital, I2C, Serial }),
	pin: Object.freeze({
		// VE.Direct MPPT on UART 1 (remapped through the GPIO matrix)
		mpptUart: 1,
		mpptRx: 16,
		mpptTx: 17,
		// VE.Direct BMV-700 on UART 2
		bmvUart: 2,
		bmvRx: 26,
		bmvTx: 27,
		// relay drivers (active high: NPN/MOSFET low-side driver, coil off at boot)
		rl1: 25,
		rl2: 33,
		relayActiveLow: 0,
		// auxiliary-contact read-back (internal pull-ups on; add 10 kΩ external pull-ups for long leads)
		rl1Sense: 32,
		rl2Sense: 4,
		// INA226 on I2C 0
		sda: 21,
		scl: 22,
		inaAddress: 0x40
	})
}, true);

export default board;
