{
    "name": "Wilayah Indonesia API",
    "summary": "Indonesian administrative regions (provinsi, kota/kabupaten, "
    "kecamatan, kelurahan/desa, postal codes) over a REST API guarded by an API key",
    "version": "18.0.1.0.0",
    "category": "Localization",
    "author": "Infinys",
    "license": "LGPL-3",
    "depends": ["base", "web", "base_import"],
    "data": [
        "security/ir.model.access.csv",
        "data/wilayah_data.xml",
        "views/wilayah_provinsi_views.xml",
        "views/wilayah_kota_views.xml",
        "views/wilayah_kecamatan_views.xml",
        "views/wilayah_kelurahan_views.xml",
        "views/res_config_settings_views.xml",
        "views/wilayah_menus.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": True,
}
