// Tests render the core's English (englishText, ApiError messages) without starting a core: load the
// English catalog as the core and the Electron main process do first thing (it registers itself).
import '../src/shared/messages/catalog'
